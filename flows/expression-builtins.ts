/**
 * Size-checked replacements of JSONata's built-in functions (see expression-memory.ts for why):
 * each checks, from its arguments and before the original runs, what the call is about to
 * allocate, charges it to the evaluation's budget, and measures what came back.
 */
import jsonata from 'jsonata';
import { BUDGET_SLOT, CHAR, jsonSize, MATCH, MemoryBudget, MemoryLimitError, PROPERTY, SLOT } from './expression-memory';

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
