/**
 * A node's policy: retry and backoff, timeout, on-error, idempotency key and (for sinks) the
 * circuit breaker. Empty fields mean "the default", shown as placeholders and in the summary.
 */
import { useId } from 'react';
import { effectivePolicy } from '../../../flows/policy';
import type { FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { ExpressionInput } from './ExpressionInput';
import { describePolicy, editPolicy, type PolicyField } from './policy-edit';

interface NumberProps {
  label: string;
  value: number | undefined;
  placeholder: number | undefined;
  min?: number;
  max?: number;
  step?: number;
  onChange(value: number | undefined): void;
}

function NumberRow({ label, value, placeholder, min, max, step, onChange }: NumberProps) {
  const id = useId();
  return (
    <div className="policy__row">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" inputMode="numeric" min={min} max={max} step={step ?? 1} value={value ?? ''} placeholder={placeholder === undefined ? '' : String(placeholder)} onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))} />
    </div>
  );
}

function SelectRow({ label, value, options, onChange }: { label: string; value: string; options: Array<[string, string]>; onChange(value: string | undefined): void }) {
  const id = useId();
  return (
    <div className="policy__row">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function PolicyForm({ node, nodeIndex, spec }: { node: FlowNode; nodeIndex: number; spec: NodeTypeSpec }) {
  const store = useEditorStoreApi();
  const keyId = useId();
  const problems = useEditorStore((s) => s.problems);
  const defaults = effectivePolicy(spec.category, spec.defaultPolicy);
  const effective = effectivePolicy(spec.category, spec.defaultPolicy, node.policy);
  const p = node.policy ?? {};
  const set = (field: PolicyField) => (value: string | number | boolean | undefined) =>
    store.getState().updateNode(node.id, { policy: editPolicy(node.policy, field, value, defaults) }, `policy:${node.id}:${field}`);
  const own = problems.filter((x) => x.pointer.startsWith(`/nodes/${nodeIndex}/policy`));

  return (
    <div className="policy" data-testid="policy-form">
      <p className="policy__summary">Effective: {describePolicy(effective)}</p>
      <fieldset>
        <legend>Retry</legend>
        <NumberRow label="Attempts" value={p.retry?.attempts} placeholder={defaults.retry.attempts} min={1} max={100} onChange={set('attempts')} />
        <SelectRow label="Backoff" value={p.retry?.backoff?.type ?? ''} options={[['', `default (${defaults.retry.backoff.type})`], ['exponential', 'exponential'], ['fixed', 'fixed']]} onChange={set('backoffType')} />
        <NumberRow label="Delay (ms)" value={p.retry?.backoff?.delayMs} placeholder={defaults.retry.backoff.delayMs} min={0} onChange={set('delayMs')} />
        <NumberRow label="Max delay (ms)" value={p.retry?.backoff?.maxDelayMs} placeholder={defaults.retry.backoff.maxDelayMs} min={0} onChange={set('maxDelayMs')} />
        <NumberRow label="Jitter (0–1)" value={p.retry?.backoff?.jitter} placeholder={defaults.retry.backoff.jitter} min={0} max={1} step={0.05} onChange={set('jitter')} />
      </fieldset>
      <fieldset>
        <legend>Failure</legend>
        <NumberRow label="Timeout (ms)" value={p.timeoutMs} placeholder={defaults.timeoutMs} min={1} max={3_600_000} onChange={set('timeoutMs')} />
        <SelectRow
          label="On error"
          value={p.onError ?? ''}
          options={[['', `default (${defaults.onError})`], ['dead-letter', 'keep in dead letters'], ['error', 'route to the "error" port'], ['drop', 'drop (traced)']]}
          onChange={set('onError')}
        />
      </fieldset>
      <fieldset>
        <legend>Idempotency</legend>
        <label htmlFor={keyId} className="policy__label">
          Key (JSONata; empty: off)
        </label>
        <ExpressionInput id={keyId} value={p.idempotency?.key ?? ''} nodeId={node.id} placeholder="e.g. orderId" onChange={(v) => set('idempotencyKey')(v === '' ? undefined : v)} />
        {p.idempotency && <NumberRow label="Remember for (s)" value={p.idempotency.ttlSec} placeholder={86_400} min={1} onChange={set('ttlSec')} />}
      </fieldset>
      {spec.category === 'sink' && (
        <fieldset>
          <legend>Circuit breaker</legend>
          <SelectRow
            label="Breaker"
            value={p.circuitBreaker?.enabled === undefined ? '' : String(p.circuitBreaker.enabled)}
            options={[['', 'default (on)'], ['true', 'on'], ['false', 'off']]}
            onChange={(v) => set('breakerEnabled')(v === undefined ? undefined : v === 'true')}
          />
          <NumberRow label="Opens after failures" value={p.circuitBreaker?.threshold} placeholder={defaults.circuitBreaker?.threshold} min={1} onChange={set('threshold')} />
          <NumberRow label="Stays open (ms)" value={p.circuitBreaker?.resetMs} placeholder={defaults.circuitBreaker?.resetMs} min={100} onChange={set('resetMs')} />
          <NumberRow label="Probes to close" value={p.circuitBreaker?.halfOpenProbes} placeholder={defaults.circuitBreaker?.halfOpenProbes} min={1} onChange={set('halfOpenProbes')} />
        </fieldset>
      )}
      {own.map((x) => (
        <p key={`${x.pointer}${x.message}`} className="error-detail">
          {x.pointer.replace(`/nodes/${nodeIndex}/policy`, 'policy')}: {x.message}
        </p>
      ))}
    </div>
  );
}
