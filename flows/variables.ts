import { pointer } from './pointer';
import type { Problem } from './problems';
import type { FlowDocument } from './schema';

/**
 * Flow variables: named per-server values (e.g. `CRM_URL`) that any JSONata field reads as
 * `$env('CRM_URL')`, resolved at run time, never written into a flow document. Pure: the rules
 * for names and sizes, and how a document's needs are found, shared by server, engine and editor.
 */

/** A variable name: what `$env('…')` takes. Upper or lower case, digits and `_`, like an environment variable. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const VARIABLE_LIMITS = Object.freeze({
  /** Variables one server keeps at most. */
  maxCount: 200,
  /** Bytes (UTF-8) of one value; URLs and small settings, not documents. */
  maxValueBytes: 4096,
});

/** A literal call `$env('NAME')` / `$env("NAME")`: the names a flow needs, found without running anything. */
const ENV_CALL = /\$env\(\s*(["'])([A-Za-z_][A-Za-z0-9_]{0,63})\1\s*\)/g;

/** Names of the variables `$env('…')` calls in any string of `value` (a node's config or policy). */
export function variableRefs(value: unknown): string[] {
  const names = new Set<string>();
  const pending: unknown[] = [value];
  let visited = 0;
  while (pending.length > 0 && visited++ < 100_000) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (v.includes('$env')) for (const m of v.matchAll(ENV_CALL)) names.add(m[2]!);
    } else if (typeof v === 'object' && v !== null) pending.push(...Object.values(v));
  }
  return [...names].sort();
}

/** A problem for each variable a node of `doc` needs that isn't among `known`. */
export function missingVariables(doc: FlowDocument, known: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  (doc.nodes ?? []).forEach((node, index) => {
    if (!node || typeof node !== 'object') return;
    for (const name of variableRefs([node.config, node.policy])) {
      if (!known.has(name)) {
        problems.push({ pointer: pointer('nodes', index), code: 'config', nodeId: node.id, message: `flow variable "${name}" is not set on this server (PUT /api/variables/${name})` });
      }
    }
  });
  return problems;
}
