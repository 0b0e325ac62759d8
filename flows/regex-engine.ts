import { RE2JS } from 're2js';

/**
 * A linear-time stand-in for `RegExp`, given to JSONata as its `RegexEngine` option.
 *
 * JSONata's parser turns `/…/flags` literals into native `RegExp`s, but those are never run: at
 * evaluation it does `new RegexEngine(regexp)`, sets `lastIndex`, calls `exec(str)` and reads
 * `match[0]`, `match.index`, `match[1…]` and `lastIndex` back (`$match`, `$replace`, `$split`,
 * `$contains`, and a regex applied as a function). This class speaks exactly that protocol over
 * re2js, so a pattern like `/(a+)+$/` can't backtrack catastrophically on user data.
 *
 * Patterns RE2 can't express (backreferences, lookaround) are rejected by the constructor with a
 * {@link UnsupportedRegexError}; there is deliberately no fallback to the backtracking engine.
 * Known differences from `RegExp`: with `m`, `^` and `$` break lines at `\n` only (not `\r`,
 * U+2028/9; RE2 has no lookahead to emulate them), and a group inside an empty-matching
 * repetition like `(a*)*` reports `""` where JS reports `undefined`.
 */
export class Re2RegexEngine {
  /** Where the next `exec` of a global (`g`) pattern starts, in UTF-16 code units like `RegExp`. */
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  readonly #re: RE2JS;

  /** Same calling conventions as `new RegExp(pattern, flags)`. */
  constructor(pattern: RegExp | string, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.global = this.flags.includes('g');
    this.#re = compileCached(this.source, this.flags);
  }

  /**
   * Mirrors `RegExp.prototype.exec`: a global pattern searches from `lastIndex` and leaves it at
   * the end of the match (or 0 when there is none). Like the native engine, an empty match does
   * not move `lastIndex`; JSONata notices the repeat and fails with D1004 instead of looping.
   */
  exec(input: string): RegExpExecArray | null {
    const str = String(input);
    const from = this.global ? Math.max(0, Math.trunc(this.lastIndex) || 0) : 0; // RegExp's ToLength
    if (from > str.length) {
      this.lastIndex = 0;
      return null;
    }
    const m = this.#re.matcher(str);
    if (!m.find(from)) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    // re2js reports UTF-16 offsets for string input, the same unit as RegExp indices.
    const values: (string | undefined)[] = [];
    for (let g = 0; g <= this.#re.groupCount(); g++) values.push(m.group(g) ?? undefined);
    const names = Object.entries(this.#re.namedGroups());
    const groups = names.length === 0 ? undefined : Object.fromEntries(names.map(([k, i]) => [k, values[i]]));
    if (this.global) this.lastIndex = m.end();
    return Object.assign(values, { index: m.start(), input: str, groups }) as RegExpExecArray;
  }

  /** Mirrors `RegExp.prototype.test`. */
  test(input: string): boolean {
    return this.exec(input) !== null;
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}

/** Thrown for a pattern the linear-time engine can't run; never silently downgraded. */
export class UnsupportedRegexError extends Error {
  override readonly name = 'UnsupportedRegexError';
  /** Lets JSONata-style callers classify it like the engine's own coded errors. */
  readonly code = 'REGEX_UNSUPPORTED';
  constructor(
    readonly pattern: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Regular expression /${pattern}/ is not supported: ${reason}`, options);
  }
}

const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  g: 0, // how `exec` iterates, not how the pattern matches
  u: 0, // RE2 always matches by code point
};

/**
 * JSONata compiles each regex literal again on every evaluation (inside `$map` that is once per
 * item), so compiled programs are shared; a bound keeps hostile input from growing it forever.
 */
const CACHE_LIMIT = 256;
const cache = new Map<string, RE2JS>();

function compileCached(source: string, flags: string): RE2JS {
  const key = `${flags}/${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let bits = 0;
  for (const flag of flags) {
    const bit = FLAG_BITS[flag];
    if (bit === undefined) throw new UnsupportedRegexError(source, `the "${flag}" flag`);
    bits |= bit;
  }
  const translated = RE2JS.translateRegExp(adaptSyntax(source, flags.includes('s')));
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated, bits);
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : String(err);
    throw new UnsupportedRegexError(source, reason, { cause: err });
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, re);
  return re;
}

/** JS `\s`: RE2's `\s` is ASCII-only, which would quietly stop splitting on no-break spaces. */
const JS_SPACE = '\\t\\n\\v\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** JS `.` without `s` excludes every line terminator; RE2's excludes only `\n`. */
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

/**
 * Rewrites the few JS constructs whose meaning differs in RE2, and rejects the ones RE2 lacks with
 * a message naming the feature (RE2's own errors, e.g. "invalid named capture" for a lookbehind,
 * would mislead). re2js's `translateRegExp` then handles the purely syntactic differences
 * (`(?<name>`, `\uXXXX`, `\cX`, `[^]`, `\/`).
 */
function adaptSyntax(source: string, dotAll: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && next >= '1' && next <= '9') {
        throw new UnsupportedRegexError(source, `backreferences (\\${next}) need a backtracking engine`);
      }
      // translateRegExp would turn `\k<name>` into the literal text "k<name>" without a word.
      if (!inClass && next === 'k' && source[i + 2] === '<') {
        throw new UnsupportedRegexError(source, 'named backreferences (\\k<…>) need a backtracking engine');
      }
      i++;
      if (next === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${JS_SPACE}]`; // inside [...] RE2's \S has to do
      else out += ch + next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '(' && (source.startsWith('(?=', i) || source.startsWith('(?!', i))) {
      throw new UnsupportedRegexError(source, 'lookahead ((?= or (?!) needs a backtracking engine');
    }
    if (ch === '(' && (source.startsWith('(?<=', i) || source.startsWith('(?<!', i))) {
      throw new UnsupportedRegexError(source, 'lookbehind ((?<= or (?<!) needs a backtracking engine');
    }
    if (ch === '[') inClass = true;
    out += ch === '.' && !dotAll ? JS_DOT : ch;
  }
  return out;
}
