/**
 * The memory bound of one JSONata evaluation: no string, array or object an expression builds
 * may grow past a size, and everything one evaluation builds is charged to a budget.
 *
 * Why size-checked function replacements and not an evaluation isolate (a worker thread with
 * `resourceLimits`): an isolate only contains a *heap* exhaustion. Many of the allocations JSONata
 * makes fail differently — `$pad("x", 2e8, "ab")` and `$length` of a large string turn the string
 * into an array of code points, and an array past V8's maximum length is `V8_Fatal("invalid size")`,
 * which aborts the whole process, worker threads and all (tried: exit 134 from inside a worker with
 * `resourceLimits`). Those must be refused *before* the built-in runs, which only a replacement can
 * do. An isolate would also cost a structured-clone round trip per evaluation on the engine's hot
 * path, and can't run in the editor, which evaluates the same expressions. So:
 *
 * - every built-in that can build something large is replaced (bindings shadow JSONata's built-ins)
 *   by one that checks, from its arguments, what the call is about to allocate, and charges it
 *   (expression-builtins.ts);
 * - operators (`&`, `..`, `[…]`, `{…}`, path mapping) only build much inside a loop, and a loop
 *   needs a lambda, a range or `$eval`; expressions with one of those get JSONata's per-step exit
 *   hook, which caps every value and charges what constructors build (expression-operators.ts).
 *   Plain mappings — the common case — don't pay for the hook (it costs about a third of a small
 *   mapping's evaluation);
 * - what an evaluation returns is measured in the walk that already cleans its result.
 *
 * The budget counts allocations, not live memory (garbage counts too): a coarse but safe upper
 * bound, with figures — 2 bytes a character, 8 an array slot, 16 an object property — that only
 * need to be the right order of magnitude.
 */

/** The sizes {@link MemoryBudget} enforces. */
export interface MemoryLimits {
  /** Characters in any one string an evaluation builds or hands to a built-in. */
  maxStringLength: number;
  /** Items in any one array a built-in returns (the evaluator's own `sequence` bound). */
  maxSequence: number;
  /** Approximate bytes one evaluation may allocate, in total. */
  maxAllocationBytes: number;
  /** Characters of a dynamic expression given to `$eval`. */
  maxLength: number;
}

/** The error code of an evaluation stopped by its memory bound. */
export const MEMORY_LIMIT = 'MEMORY_LIMIT';

/** Thrown by a budget; expression.ts turns it into an ExpressionError with {@link MEMORY_LIMIT}. */
export class MemoryLimitError extends Error {
  override readonly name = 'MemoryLimitError';
  readonly code = MEMORY_LIMIT;
}

/** The approximate bytes the budget charges: a character, an array slot, an object property, a match object. */
export const CHAR = 2;
export const SLOT = 8;
export const PROPERTY = 16;
export const MATCH = 64;

/** One evaluation's account: created per evaluation, reached by the guards through a binding. */
export class MemoryBudget {
  private used = 0;
  constructor(readonly limits: MemoryLimits) {}

  charge(bytes: number, what: string): void {
    this.used += bytes;
    if (this.used > this.limits.maxAllocationBytes) {
      throw new MemoryLimitError(`${what} would take the evaluation past its memory bound of ${this.limits.maxAllocationBytes} bytes`);
    }
  }

  checkString(length: number, what: string): void {
    if (length > this.limits.maxStringLength) {
      throw new MemoryLimitError(`${what} would be ${length} characters long; the limit is ${this.limits.maxStringLength}`);
    }
  }

  checkItems(count: number, what: string): void {
    if (count > this.limits.maxSequence) throw new MemoryLimitError(`${what} would hold ${count} items; the limit is ${this.limits.maxSequence}`);
  }
}

/** A binding name no expression can spell (`$` names can't contain spaces), so it stays private. */
export const BUDGET_SLOT = ' tributary memory budget';

/**
 * Approximate JSON size of `value` in characters, stopping once past `limit` (so the cost of
 * measuring is bounded too, and an array holding one big string many times is caught early).
 */
export function jsonSize(value: unknown, limit: number): number {
  const pending: unknown[] = [value];
  let size = 0;
  while (pending.length > 0 && size <= limit) {
    const v = pending.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') size += 24;
    else if (v === null || v === undefined) size += 4;
    else if (typeof v === 'object') {
      if ('_jsonata_lambda' in v || '_jsonata_function' in v) continue;
      if (Array.isArray(v)) {
        size += v.length + 2;
        for (let i = v.length - 1; i >= 0; i--) pending.push(v[i]);
      } else {
        for (const [key, child] of Object.entries(v)) {
          size += key.length + 4;
          pending.push(child);
        }
      }
    }
  }
  return size;
}
