/**
 * The credentials a node's config names: every string value at a place its config schema marks
 * `format: "credential"`, and which of them don't exist. Pure — the server and the editor ask
 * the same question.
 */
import type { Catalogue } from './catalogue';
import { pointer } from './pointer';
import type { Problem } from './problems';

type Schema = Record<string, unknown>;

export interface CredentialRef {
  /** Pointer relative to the config, e.g. `/auth/credential`. */
  pointer: string;
  name: string;
}

export function credentialRefs(schema: unknown, config: unknown): CredentialRef[] {
  const found: CredentialRef[] = [];
  const walk = (s: unknown, value: unknown, path: Array<string | number>, depth: number) => {
    if (depth > 32 || typeof s !== 'object' || s === null) return;
    const node = s as Schema;
    if (node.format === 'credential' && typeof value === 'string' && value !== '') found.push({ pointer: pointer(...path), name: value });
    for (const branch of ['anyOf', 'oneOf', 'allOf'] as const) {
      if (Array.isArray(node[branch])) for (const b of node[branch] as unknown[]) walk(b, value, path, depth + 1);
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      if (node.items) value.forEach((item, i) => walk(node.items, item, [...path, i], depth + 1));
      return;
    }
    const props = (node.properties ?? {}) as Record<string, unknown>;
    for (const [key, sub] of Object.entries(props)) {
      if (Object.hasOwn(value, key)) walk(sub, (value as Record<string, unknown>)[key], [...path, key], depth + 1);
    }
  };
  walk(schema, config, [], 0);
  return found;
}

/** A problem for each credential the flow names that isn't among `known` (a draft may be any shape). */
export function missingCredentials(doc: { nodes?: unknown }, catalogue: Catalogue, known: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  (Array.isArray(doc.nodes) ? doc.nodes : []).forEach((node: unknown, index) => {
    if (typeof node !== 'object' || node === null) return;
    const { id, type, config } = node as { id?: unknown; type?: unknown; config?: unknown };
    const spec = typeof type === 'string' ? catalogue.get(type) : undefined;
    if (!spec) return;
    for (const ref of credentialRefs(spec.configSchema, config)) {
      if (known.has(ref.name)) continue;
      problems.push({ pointer: pointer('nodes', index, 'config') + ref.pointer, code: 'config', ...(typeof id === 'string' && { nodeId: id }), message: `credential "${ref.name}" does not exist on this server` });
    }
  });
  return problems;
}
