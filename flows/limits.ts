/**
 * Hard bounds on what a flow document may contain. They keep validation (and everything after
 * it) linear and finite on hostile input; they are generous for anything a person would draw.
 */
export const FLOW_LIMITS = {
  /** Total JSON values (objects, arrays, scalars) in one document. */
  maxValues: 200_000,
  /** Nesting depth of objects and arrays. */
  maxDepth: 64,
  /** Sum of the lengths of every string and key in the document (≈ its size in characters). */
  maxChars: 2_000_000,
  maxNodes: 1_000,
  maxEdges: 5_000,
  /** Length of one JSONata expression. */
  maxExpressionLength: 10_000,
  /** Problems reported for one document; the last one says how many more there were. */
  maxProblems: 200,
} as const;

/**
 * Ids of flows, nodes and edges: ASCII letters, digits, `_`, `-` and `.`, starting with a letter
 * or digit, at most 64 characters. Flow ids become file names, so no path separators and no
 * leading dot can ever appear.
 */
export const SAFE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

/** {@link SAFE_ID_PATTERN}, compiled once. */
export const SAFE_ID = new RegExp(SAFE_ID_PATTERN);

/** Port names: like ids but shorter, and case-sensitive words such as `out`, `error`, `high`. */
export const PORT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$';

/** Node type names: lower-case words joined by dashes (`http-request`, `kafka-consume`). */
export const NODE_TYPE_PATTERN = '^[a-z][a-z0-9-]{0,39}$';

/** Own keys that could reach an object's prototype when copied into a plain object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
