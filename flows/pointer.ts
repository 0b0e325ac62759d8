/**
 * JSON pointers (RFC 6901): every validation problem is located by one.
 */

const escapeToken = (token: string | number): string => String(token).replace(/~/g, '~0').replace(/\//g, '~1');

/** Builds a pointer from path tokens: `pointer('nodes', 3, 'config')` → `/nodes/3/config`. */
export const pointer = (...tokens: Array<string | number>): string => tokens.map((t) => `/${escapeToken(t)}`).join('');

/** Splits a pointer into unescaped tokens; `""` is the whole document. */
export function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Reads the value at a pointer, following own properties only (never the prototype chain), or
 * `undefined` when there is nothing there.
 */
export function readPointer(doc: unknown, ptr: string): unknown {
  let cur: unknown = doc;
  for (const token of parsePointer(ptr)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, token)) return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}
