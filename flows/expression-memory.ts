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
 *   by one that checks, from its arguments, what the call is about to allocate, and charges it;
 * - operators (`&`, `..`, `[…]`, `{…}`, path mapping) only build much inside a loop, and a loop
 *   needs a lambda, a range or `$eval`; expressions with one of those get JSONata's per-step exit
 *   hook, which caps every value and charges what constructors build. Plain mappings — the common
 *   case — don't pay for the hook (it costs about a third of a small mapping's evaluation);
 * - what an evaluation returns is measured in the walk that already cleans its result.
 *
 * The budget counts allocations, not live memory (garbage counts too): a coarse but safe upper
 * bound, with figures — 2 bytes a character, 8 an array slot, 16 an object property — that only
 * need to be the right order of magnitude.
 */
import jsonata from 'jsonata';

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

const CHAR = 2;
const SLOT = 8;
const PROPERTY = 16;
const MATCH = 64;

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

type Args = unknown[];
type Pre = (budget: MemoryBudget, args: Args) => Args | void;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const len = (v: unknown): number => (Array.isArray(v) ? v.length : v === undefined ? 0 : 1);
const keyCount = (v: unknown): number => (typeof v === 'object' && v !== null ? Object.keys(v).length : 0);

/** Occurrences of `pattern` in `text`, at most `cap` (string patterns only). */
function occurrences(text: string, pattern: string, cap: number): number {
  if (pattern === '') return Math.min(cap, text.length + 1);
  let count = 0;
  for (let at = text.indexOf(pattern); at !== -1 && count < cap; at = text.indexOf(pattern, at + pattern.length)) count++;
  return count;
}

interface Match {
  match: string;
  groups: string[];
  next(): Match | undefined | Promise<Match | undefined>;
}
type Matcher = (text: string, from?: number) => Match | undefined | Promise<Match | undefined>;

/**
 * A regex matcher (the closure JSONata builds from a regex literal) that charges each match as
 * it is found, so `$match`, `$split` and `$replace` stop at the match that would break the budget,
 * before their loops build more. `extra` is what the caller builds per match on top.
 */
function tracked(matcher: unknown, budget: MemoryBudget, what: string, extra: (m: Match) => number = () => 0): unknown {
  if (typeof matcher !== 'function') return matcher; // a string pattern, or a JSONata lambda (hooked)
  const charged = (m: Match | undefined | Promise<Match | undefined>) => (m instanceof Promise ? m.then(charge) : charge(m));
  const charge = (m: Match | undefined): Match | undefined => {
    if (!m || typeof m !== 'object') return m;
    budget.charge(MATCH + CHAR * (m.match.length + m.groups.reduce((n, g) => n + (g?.length ?? 0), 0)) + extra(m), what);
    const next = m.next.bind(m);
    m.next = () => charged(next());
    return m;
  };
  return (text: string, from?: number) => charged((matcher as Matcher)(text, from));
}

/** Charges a copy of an array argument (what map/filter/sort/reverse… build). */
const copies = (what: string, perItem = SLOT): Pre => (budget, args) => budget.charge(len(args[0]) * perItem, what);
/** The built-in turns the string into an array of code points first (JSONata's stringToArray). */
const codePoints = (what: string): Pre => (budget, args) => budget.charge(str(args[0]).length * (SLOT + CHAR), what);
/** The output is at most `factor` times the input string. */
const grows = (what: string, factor: number): Pre => (budget, args) => {
  const n = str(args[0]).length * factor;
  budget.checkString(n, what);
  budget.charge(n * CHAR, what);
};

/**
 * What each guarded built-in may allocate, checked before it runs. Built-ins not listed build
 * nothing larger than a number or their argument (`$sum`, `$count`, `$exists`, `$type`…); those
 * whose output is bounded by a short picture (`$formatNumber`…) are still measured after.
 */
const GUARDS: Readonly<Record<string, Pre>> = {
  pad(budget, [s, width, char]) {
    const padding = Math.max(0, Math.abs(Math.trunc(Number(width) || 0)) - str(s).length);
    const built = padding * Math.max(1, str(char).length); // joined, then cut to length as code points
    budget.checkString(built, '$pad');
    budget.charge(built * (SLOT + CHAR) + padding * CHAR, '$pad');
  },
  length: codePoints('$length'),
  substring: codePoints('$substring'),
  substringBefore: grows('$substringBefore', 1),
  substringAfter: grows('$substringAfter', 1),
  lowercase: grows('$lowercase', 1),
  uppercase: grows('$uppercase', 1),
  trim: grows('$trim', 1),
  base64encode: grows('$base64encode', 4), // UTF-8 bytes (at most 3 per UTF-16 unit), then 4/3
  base64decode: grows('$base64decode', 1),
  encodeUrlComponent: grows('$encodeUrlComponent', 9), // up to three %XX per character
  encodeUrl: grows('$encodeUrl', 9),
  decodeUrlComponent: grows('$decodeUrlComponent', 1),
  decodeUrl: grows('$decodeUrl', 1),
  string(budget, [value, pretty]) {
    const size = jsonSize(value, budget.limits.maxStringLength) * (pretty ? 4 : 1);
    budget.checkString(size, '$string');
    budget.charge(size * CHAR, '$string');
  },
  clone(budget, [value]) {
    const size = jsonSize(value, budget.limits.maxStringLength);
    budget.checkString(size, '$clone');
    budget.charge(size * CHAR * 2, '$clone'); // serialised, then parsed back
  },
  join(budget, [strings, separator]) {
    const items = Array.isArray(strings) ? strings : [];
    let total = Math.max(0, items.length - 1) * str(separator).length;
    for (const s of items) if ((total += str(s).length) > budget.limits.maxStringLength) break;
    budget.checkString(total, '$join');
    budget.charge(total * CHAR, '$join');
  },
  split(budget, [s, separator, limit]) {
    const text = str(s);
    const cap = typeof limit === 'number' ? limit : Infinity;
    if (typeof separator === 'string') {
      const parts = Math.min(cap, occurrences(text, separator, budget.limits.maxSequence + 1) + 1);
      budget.checkItems(parts, '$split');
      budget.charge(parts * (SLOT + MATCH), '$split');
      return;
    }
    return [s, tracked(separator, budget, '$split', () => SLOT), limit];
  },
  match(budget, [s, pattern, limit]) {
    return [s, tracked(pattern, budget, '$match', () => MATCH), limit];
  },
  contains(budget, [s, pattern]) {
    return [s, tracked(pattern, budget, '$contains')];
  },
  replace(budget, [s, pattern, replacement, limit]) {
    const text = str(s);
    if (typeof replacement === 'string' && typeof pattern === 'string') {
      const count = occurrences(text, pattern, typeof limit === 'number' ? limit : Infinity);
      const size = text.length + count * Math.max(0, replacement.length - pattern.length);
      budget.checkString(size, '$replace');
      budget.charge(size * CHAR, '$replace');
      return;
    }
    // `$0`…`$9` in the replacement repeat the match (or a group, no longer than it) each time.
    const dollars = typeof replacement === 'string' ? replacement.split('$').length - 1 : 0;
    const perMatch = (m: Match): number => CHAR * (str(replacement).length + dollars * m.match.length);
    budget.charge(text.length * CHAR, '$replace');
    return [s, tracked(pattern, budget, '$replace', perMatch), replacement, limit];
  },
  zip(budget, arrays) {
    const shortest = arrays.length === 0 ? 0 : Math.min(...arrays.map(len));
    budget.charge(shortest * (arrays.length * SLOT + PROPERTY), '$zip');
  },
  append(budget, [a, b]) {
    budget.charge((len(a) + len(b)) * SLOT, '$append');
  },
  spread(budget, [value]) {
    const objects = Array.isArray(value) ? value : [value];
    let count = 0;
    for (const o of objects) count += keyCount(o);
    budget.checkItems(count, '$spread');
    budget.charge(count * (PROPERTY + MATCH), '$spread');
  },
  merge(budget, [objects]) {
    let count = 0;
    for (const o of Array.isArray(objects) ? objects : [objects]) count += keyCount(o);
    budget.charge(count * PROPERTY, '$merge');
  },
  keys(budget, [value]) {
    const objects = Array.isArray(value) ? value : [value];
    let count = 0;
    for (const o of objects) count += keyCount(o);
    budget.charge(count * (SLOT + PROPERTY), '$keys');
  },
  each: (budget, [o]) => budget.charge(keyCount(o) * SLOT, '$each'),
  sift: (budget, [o]) => budget.charge(keyCount(o) * PROPERTY, '$sift'),
  map: copies('$map'),
  filter: copies('$filter'),
  reverse: copies('$reverse'),
  shuffle: copies('$shuffle'),
  sort: copies('$sort', SLOT * 2), // merge sort: halves and merged copies
  distinct: copies('$distinct', SLOT * 2),
  eval(budget, [source]) {
    if (str(source).length > budget.limits.maxLength) {
      throw new MemoryLimitError(`$eval was given an expression of ${str(source).length} characters; the limit is ${budget.limits.maxLength}`);
    }
  },
};

/** Checks what a built-in returned: strings and arrays within their caps, strings charged. */
function checkResult(budget: MemoryBudget, name: string, result: unknown): unknown {
  if (typeof result === 'string') {
    budget.checkString(result.length, `$${name}`);
    if (name in STRING_RESULT_CHARGED) return result;
    budget.charge(result.length * CHAR, `$${name}`);
  } else if (Array.isArray(result)) {
    budget.checkItems(result.length, `$${name}`);
  }
  return result;
}
/** Built-ins whose string result their guard has charged already. */
const STRING_RESULT_CHARGED: Readonly<Record<string, true>> = Object.fromEntries(
  ['pad', 'substringBefore', 'substringAfter', 'lowercase', 'uppercase', 'trim', 'base64encode', 'base64decode', 'encodeUrlComponent', 'encodeUrl', 'decodeUrlComponent', 'decodeUrl', 'string', 'join', 'replace'].map((n) => [n, true]),
);

/** Every built-in that gets a guard: those above, plus the ones whose result alone is measured. */
const GUARDED = [...Object.keys(GUARDS), 'formatNumber', 'formatBase', 'formatInteger', 'fromMillis', 'lookup', 'single', 'reduce'];

interface NativeFunction {
  _jsonata_function: true;
  implementation: (this: { environment: jsonata.Environment }, ...args: Args) => unknown;
  signature?: unknown;
}

const EVALUATE_ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EVALUATE_EXIT = Symbol.for('jsonata.__evaluate_exit');

/**
 * JSONata keeps its built-ins in a frame it doesn't export. The entry hook gets that frame's
 * descendant and runs synchronously inside `evaluate()` (before its first await), so one probe
 * evaluation hands them over at module load without making compilation async.
 */
function captureBuiltins(): Record<string, NativeFunction> {
  const found: Record<string, NativeFunction> = {};
  const probe = jsonata('0');
  probe.assign(EVALUATE_ENTRY as unknown as string, (_expr: unknown, _input: unknown, environment: jsonata.Environment) => {
    for (const name of GUARDED) found[name] = environment.lookup(name) as NativeFunction;
    throw new Error('probe done');
  });
  probe.evaluate(undefined).catch(() => undefined);
  const missing = GUARDED.filter((name) => typeof found[name]?.implementation !== 'function');
  if (missing.length > 0) throw new Error(`JSONata built-ins not found: ${missing.join(', ')} (did the jsonata version change?)`);
  return found;
}

const budgetOf = (focus: { environment?: jsonata.Environment } | undefined, fallback: () => MemoryBudget): MemoryBudget =>
  (focus?.environment?.lookup(BUDGET_SLOT) as MemoryBudget | undefined) ?? fallback();

/**
 * The guarded built-ins, to `assign` onto a compiled expression. `fallback` supplies a budget
 * when a guard is reached without one bound (it always is, through expression.ts).
 */
export function guardedBuiltins(fallback: () => MemoryBudget): Array<[string, NativeFunction]> {
  return GUARDED.map((name) => {
    const original = BUILTINS[name]!;
    const pre = GUARDS[name];
    const implementation = function (this: { environment: jsonata.Environment }, ...args: Args): unknown {
      const budget = budgetOf(this, fallback);
      for (const arg of args) if (typeof arg === 'string') budget.checkString(arg.length, `an argument of $${name}`);
      const actual = pre?.(budget, args) ?? args;
      const result = original.implementation.apply(this, actual);
      return result instanceof Promise ? result.then((r) => checkResult(budget, name, r)) : checkResult(budget, name, result);
    };
    return [name, { ...original, implementation }];
  });
}

const BUILTINS = captureBuiltins();

interface AstNode {
  type?: string;
  value?: unknown;
  procedure?: { type?: string; value?: unknown };
  group?: unknown;
}

/** Concatenations an expression may hold before its operators are hooked anyway. */
const MAX_UNHOOKED_CONCATS = 16;

/**
 * Whether an expression can loop — a lambda, a range, `$eval` — or concatenates often enough to
 * build a long string without one; only those need the per-step operator guard.
 */
export function needsOperatorGuard(ast: unknown): boolean {
  const pending: unknown[] = [ast];
  const seen = new Set<object>();
  let concats = 0;
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const { type, value, procedure } = node as AstNode;
    if (type === 'lambda' || (type === 'binary' && value === '..')) return true;
    if (type === 'function' && procedure?.type === 'variable' && procedure.value === 'eval') return true;
    if (type === 'binary' && value === '&' && ++concats > MAX_UNHOOKED_CONCATS) return true;
    for (const child of Object.values(node)) if (typeof child === 'object') pending.push(child);
  }
  return false;
}

/** JSONata's exit hook: caps every value a step produced and charges what constructors build. */
export function operatorGuard(expr: AstNode, _input: unknown, environment: jsonata.Environment, result: unknown): void {
  if (typeof result === 'string') {
    if (result.length > 64) (environment.lookup(BUDGET_SLOT) as MemoryBudget | undefined)?.checkString(result.length, 'A string');
    return;
  }
  if (typeof result !== 'object' || result === null) return;
  const budget = environment.lookup(BUDGET_SLOT) as MemoryBudget | undefined;
  if (!budget) return; // evaluated without expression.ts's bindings: nothing to charge to
  if (Array.isArray(result)) {
    if (expr.type === 'path' || (expr.type === 'binary' && expr.value === '..') || (expr.type === 'unary' && expr.value === '[')) {
      budget.charge(result.length * SLOT, 'An array');
    }
  } else if ((expr.type === 'unary' && expr.value === '{') || expr.group !== undefined) {
    budget.charge(Object.keys(result).length * PROPERTY, 'An object');
  }
}

export { EVALUATE_EXIT };
