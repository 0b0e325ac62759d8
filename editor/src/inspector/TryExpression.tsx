/**
 * "Try it": evaluates a JSONata expression against a sample input, with the same guardrails
 * (time, depth, sequence size, linear-time regexes) the engine uses. The sample is kept per node;
 * it starts from the payload of the flow's inject node when there is one.
 */
import { useId, useState } from 'react';
import { compileExpression } from '../../../flows/expression';
import { parseJson } from '../model/json';
import { useEditorStore, useEditorStoreApi } from '../store/context';

type Outcome = { ok: true; text: string } | { ok: false; text: string } | null;

function defaultSample(payloads: unknown[]): string {
  const first = payloads[0];
  return JSON.stringify(first ?? {}, null, 2);
}

export function TryExpression({ source, nodeId }: { source: string; nodeId: string }) {
  const store = useEditorStoreApi();
  const id = useId();
  const stored = useEditorStore((s) => s.samples[nodeId]);
  const injectPayload = useEditorStore((s) => s.doc?.nodes.find((n) => n.type === 'inject')?.config?.payload);
  const sample = stored ?? defaultSample(injectPayload === undefined ? [] : [injectPayload]);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const run = async () => {
    const input = parseJson(sample);
    if (!input.ok) return setOutcome({ ok: false, text: `The sample is not JSON: ${input.message}` });
    try {
      const result = await compileExpression(source).evaluate(input.value);
      setOutcome({ ok: true, text: result === undefined ? '(nothing: the expression yields no value)' : JSON.stringify(result, null, 2) });
    } catch (error) {
      const e = error as { message?: string; code?: string };
      setOutcome({ ok: false, text: `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}` });
    }
  };

  return (
    <details className="try">
      <summary>Try it on a sample</summary>
      <label htmlFor={`${id}-sample`} className="try__label">
        Sample input (JSON)
      </label>
      <textarea id={`${id}-sample`} className="code" rows={4} spellCheck={false} value={sample} onChange={(e) => store.getState().setSample(nodeId, e.target.value)} />
      <button type="button" className="btn btn--small" onClick={() => void run()}>
        Run
      </button>
      {outcome && (
        <output htmlFor={`${id}-sample`} className={`try__result${outcome.ok ? '' : ' is-error'}`} aria-live="polite">
          <pre>{outcome.text}</pre>
        </output>
      )}
    </details>
  );
}
