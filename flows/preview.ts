/**
 * Bounded, redacted previews of payloads for traces: enough to see what went through a node,
 * never so much that a busy flow floods Redis or a browser, and never a secret.
 */

export interface Preview {
  /** The value, cut down to the bounds (strings shortened, arrays and objects trimmed). */
  value: unknown;
  /** True when anything was cut or redacted. */
  truncated: boolean;
}

export interface PreviewOptions {
  maxDepth: number;
  maxItems: number;
  maxString: number;
  /** Total characters of strings and keys kept before the rest is cut. */
  maxChars: number;
  /** Secret values known to the caller (credentials in use): replaced wherever they appear. */
  secrets: readonly string[];
}

export const DEFAULT_PREVIEW_OPTIONS: PreviewOptions = { maxDepth: 6, maxItems: 20, maxString: 200, maxChars: 2_000, secrets: [] };

export const REDACTED = '[redacted]';

/** Keys whose values are secrets whatever they hold. */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|authorization|api[-_]?key|cookie|credential|private[-_]?key|signature/i;

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key);

/** Replaces every occurrence of a known secret inside `text`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

export function makePreview(value: unknown, options: Partial<PreviewOptions> = {}): Preview {
  const o = { ...DEFAULT_PREVIEW_OPTIONS, ...options };
  let budget = o.maxChars;
  let truncated = false;
  const cut = (s: string): string => {
    const redacted = redactText(s, o.secrets);
    if (redacted !== s) truncated = true;
    const limit = Math.max(0, Math.min(o.maxString, budget));
    budget -= Math.min(redacted.length, limit);
    if (redacted.length <= limit) return redacted;
    truncated = true;
    return `${redacted.slice(0, limit)}…`;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
    if (typeof v === 'string') return cut(v);
    if (typeof v !== 'object') return v === undefined ? null : String(v);
    if (depth >= o.maxDepth || budget <= 0) {
      truncated = true;
      return Array.isArray(v) ? `[${v.length} items]` : '{…}';
    }
    if (Array.isArray(v)) {
      const items = v.slice(0, o.maxItems).map((item) => walk(item, depth + 1));
      if (v.length > o.maxItems) {
        truncated = true;
        items.push(`… ${v.length - o.maxItems} more`);
      }
      return items;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v);
    for (const key of keys.slice(0, o.maxItems)) {
      if (budget <= 0) break;
      budget -= key.length;
      const child = (v as Record<string, unknown>)[key];
      if (isSecretKey(key) && child !== null && child !== undefined) {
        truncated = true;
        Object.defineProperty(out, key, { value: REDACTED, enumerable: true, writable: true, configurable: true });
        continue;
      }
      // defineProperty: a payload key such as `__proto__` must stay data, never a prototype.
      Object.defineProperty(out, key, { value: walk(child, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    if (keys.length > Object.keys(out).length) truncated = true;
    return out;
  };
  const result = walk(value, 0);
  return { value: result, truncated };
}
