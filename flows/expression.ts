import jsonata from 'jsonata';
import { guardedBuiltins } from './expression-builtins';
import { BUDGET_SLOT, MEMORY_LIMIT, MemoryBudget, MemoryLimitError } from './expression-memory';
import { EVALUATE_EXIT, needsOperatorGuard, operatorGuard } from './expression-operators';
import { FLOW_LIMITS } from './limits';
import { Re2RegexEngine } from './regex-engine';

/** Bounds on one JSONata expression: how big it may be and what one evaluation may spend. */
export interface ExpressionLimits {
  /** Wall-clock budget of one evaluation, checked by JSONata at every step (error D1012). */
  timeoutMs: number;
  /** Nesting depth of JSONata's evaluator, JSONata's `stack` option (error D1011). */
  maxDepth: number;
  /** Items in any one sequence or range, JSONata's `sequence` option (error D2015). */
  maxSequence: number;
  /** Characters in the source text (and in a dynamic expression given to `$eval`). */
  maxLength: number;
  /** Characters in any one string the evaluation builds, or returns (error MEMORY_LIMIT). */
  maxStringLength: number;
  /** Approximate bytes one evaluation may allocate in total (error MEMORY_LIMIT); see expression-memory.ts. */
  maxAllocationBytes: number;
}

/**
 * Defaults for {@link ExpressionLimits}. Expressions come from whoever can edit a flow and run
 * inside workers shared by every flow, so each one is bounded before it can starve the rest:
 * - `timeoutMs: 1000` — mappings take microseconds; a second means a runaway loop.
 * - `maxDepth: 200` — counts evaluator steps, not calls: ample for nesting, ~65 levels of non-tail
 *   recursion. Evaluation is async, so depth costs heap rather than stack; unbounded, a runaway
 *   recursion would hold memory for the whole timeout. (Tail calls don't deepen; the clock stops those.)
 * - `maxSequence: 100_000` — larger than any message a node should carry; stops `[1..1e7]`
 *   allocating before the timeout can fire.
 * - `maxLength: 10_000` — the same bound the flow document applies to expression fields.
 * - `maxStringLength: 5_000_000` — five times the largest webhook body; a string past it is a bug.
 * - `maxAllocationBytes: 64 MiB` — a worker runs several evaluations at once (its concurrency),
 *   and all of them together must stay far below V8's heap limit (2–4 GiB).
 */
export const EXPRESSION_LIMITS: Readonly<ExpressionLimits> = Object.freeze({
  timeoutMs: 1000,
  maxDepth: 200,
  maxSequence: 100_000,
  maxLength: FLOW_LIMITS.maxExpressionLength,
  maxStringLength: 5_000_000,
  maxAllocationBytes: 64 * 1024 * 1024,
});

/** What is wrong with an expression's source, in a form the editor can mark. */
export interface ExpressionProblem {
  message: string;
  /** Character offset JSONata reports for the offending token, when it knows one. */
  position?: number;
  /** A JSONata error code (`S0207`…) or one of this module's (`REGEX_UNSUPPORTED`…). */
  code?: string;
}

/**
 * Any failure to compile or evaluate an expression. Each follows from the expression and its input
 * (D1012 barring a badly overloaded host), so callers treat it as permanent. `code` is JSONata's —
 * D1012 timeout, D1011 too deep, D2015 sequence too long, T2001 wrong type… — or an upper-case one
 * of this module's (`REGEX_UNSUPPORTED`, `EXPRESSION_TOO_LONG`, `EXPRESSION_TOO_DEEP`, `MEMORY_LIMIT`).
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  readonly code: string | undefined;
  readonly position: number | undefined;
  constructor(message: string, options: { code?: string; position?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
    this.position = options.position;
  }
}

export interface EvaluateOptions {
  /**
   * Stops the evaluation: it rejects with `signal.reason` at once, and JSONata stops at its next
   * step. JSONata never yields to the event loop on its own, so a timer-driven abort only lands
   * while the expression awaits something asynchronous (a bound function doing I/O); runaway
   * computation is what `timeoutMs` is for.
   */
  signal?: AbortSignal;
  /**
   * What `$env('NAME')` reads: the server's flow variables (engine/variables.ts). Without it,
   * `$env` gives nothing (undefined), as for a variable that isn't set.
   */
  env?: (name: string) => string | undefined | Promise<string | undefined>;
}

/** An expression compiled once, evaluated many times (concurrently, too). */
export interface CompiledExpression {
  readonly source: string;
  /** Rejects with an {@link ExpressionError}, or with `signal.reason` once aborted. */
  evaluate(input: unknown, bindings?: Record<string, unknown>, options?: EvaluateOptions): Promise<unknown>;
}

/**
 * Checks an expression without running it: JSONata syntax, every regex literal against the
 * linear-time engine, and the length bound. Returns `null` when it would compile. Never throws:
 * it runs on every keystroke in the editor and on every document the API receives.
 */
export function checkExpression(source: string): ExpressionProblem | null {
  try {
    const parsed = parse(source, EXPRESSION_LIMITS.maxLength, {});
    return 'problem' in parsed ? parsed.problem : null;
  } catch (err) {
    return { message: `Expression could not be checked: ${describe(err).message}`, code: 'INTERNAL' };
  }
}

/**
 * Compiles an expression with guardrails: bounded time, depth and sequence size, and regexes run
 * by RE2 so no pattern can backtrack catastrophically. Throws an {@link ExpressionError} for
 * what {@link checkExpression} would report, and a plain `Error` for invalid limits.
 */
export function compileExpression(source: string, limits: Partial<ExpressionLimits> = {}): CompiledExpression {
  const bounds = validLimits({ ...EXPRESSION_LIMITS, ...limits });
  const options = { timeout: bounds.timeoutMs, stack: bounds.maxDepth, sequence: bounds.maxSequence };
  const parsed = parse(source, bounds.maxLength, options);
  if ('problem' in parsed) throw new ExpressionError(parsed.problem.message, parsed.problem);
  const { expr } = parsed;
  const newBudget = (): MemoryBudget => new MemoryBudget(bounds);
  for (const [name, fn] of guardedBuiltins(newBudget)) expr.assign(name, fn);
  // Registered (not assigned) so JSONata calls it with the evaluation's environment as `this`.
  expr.registerFunction('env', readVariable, '<s:s>');
  if (needsOperatorGuard(expr.ast())) expr.assign(EVALUATE_EXIT as unknown as string, operatorGuard);
  let hooked = false;
  const run = (input: unknown, bindings?: Record<string, unknown>, env?: EvaluateOptions['env']): Promise<unknown> => {
    const budget = newBudget();
    return expr.evaluate(input, { ...bindings, [BUDGET_SLOT]: budget, ...(env && { [ENV_SLOT]: env }) }).then(
      (result) => checkedResult(result, budget),
      (err: unknown) => {
        throw toExpressionError(err, bounds);
      },
    );
  };

  return {
    source,
    evaluate(input, bindings, options = {}) {
      const { signal, env } = options;
      if (!signal) return run(input, bindings, env);
      if (signal.aborted) return Promise.reject(signal.reason);
      if (!hooked) {
        // JSONata calls this before every step; installed on first use so callers that never
        // pass a signal don't pay for the extra await per step.
        expr.assign(EVALUATE_ENTRY as unknown as string, abortCheck);
        hooked = true;
      }
      return new Promise((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        run(input, { ...bindings, [SIGNAL_SLOT]: signal }, env)
          .then(resolve, (err: unknown) => reject(signal.aborted ? signal.reason : err))
          .finally(() => signal.removeEventListener('abort', onAbort));
      });
    },
  };
}

const EVALUATE_ENTRY = Symbol.for('jsonata.__evaluate_entry');
/** A binding name no expression can spell (`$` names can't contain spaces), so it stays private. */
const SIGNAL_SLOT = ' tributary signal';

/** Where `$env` finds the evaluation's variable lookup; like the signal's, a name no expression can spell. */
const ENV_SLOT = ' tributary env';

/** `$env('NAME')`: the flow variable's value (a string), or undefined when it isn't set. */
function readVariable(this: { environment?: jsonata.Environment } | undefined, name: unknown): unknown {
  if (typeof name !== 'string') return undefined;
  const lookup = this?.environment?.lookup(ENV_SLOT) as EvaluateOptions['env'] | undefined;
  return lookup?.(name);
}

function abortCheck(_expr: unknown, _input: unknown, environment: jsonata.Environment): void {
  const signal = environment.lookup(SIGNAL_SLOT) as AbortSignal | undefined;
  if (signal?.aborted) throw signal.reason;
}

type Parsed = { expr: jsonata.Expression } | { problem: ExpressionProblem };
function parse(source: string, maxLength: number, options: jsonata.JsonataOptions): Parsed {
  if (typeof source !== 'string') return { problem: { message: 'An expression must be a string', code: 'NOT_A_STRING' } };
  if (source.length > maxLength) {
    return { problem: { message: `Expression is ${source.length} characters long; the limit is ${maxLength}`, code: 'EXPRESSION_TOO_LONG' } };
  }
  let expr: jsonata.Expression;
  try {
    const RegexEngine = Re2RegexEngine as unknown as RegExpConstructor;
    expr = jsonata(source, { ...options, RegexEngine });
  } catch (err) {
    // JSONata's recursive-descent parser overflows V8's stack on deep nesting such as 100k `(`.
    if (err instanceof RangeError) return { problem: { message: 'Expression is nested too deeply', code: 'EXPRESSION_TOO_DEEP' } };
    return { problem: describe(err) };
  }
  const problem = findRegexProblem(expr.ast());
  return problem ? { problem } : { expr };
}

/**
 * JSONata's parser builds native RegExps and only hands them to the RegexEngine at evaluation,
 * so a pattern RE2 can't run would otherwise surface on the first message, not in the editor.
 */
function findRegexProblem(ast: unknown): ExpressionProblem | null {
  const pending: unknown[] = [ast]; // a loop, not recursion: the AST can be as deep as the parser allows
  const seen = new Set<object>();
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const { type, value, position } = node as { type?: unknown; value?: unknown; position?: unknown };
    if (type === 'regex' && value instanceof RegExp) {
      try {
        new Re2RegexEngine(value);
      } catch (err) {
        return { ...describe(err), ...(typeof position === 'number' ? { position } : {}) };
      }
    } else {
      for (const child of Object.values(node)) pending.push(child);
    }
  }
  return null;
}

const GUARDRAIL_CODES = new Set(['D1011', 'D1012', 'D2015', 'REGEX_UNSUPPORTED', MEMORY_LIMIT]);

function toExpressionError(err: unknown, limits: ExpressionLimits): ExpressionError {
  // `$eval` wraps what its inner expression threw in D3120/D3121; a guardrail tripping in there
  // should read as that guardrail.
  const { code: outer, error: wrapped } = (err ?? {}) as { code?: unknown; error?: { code?: unknown } };
  const inner = (outer === 'D3120' || outer === 'D3121') && GUARDRAIL_CODES.has(String(wrapped?.code)) ? wrapped : err;
  if (inner instanceof RangeError && /call stack/i.test(inner.message)) {
    return new ExpressionError('Stack overflow: the expression or its input is nested too deeply', { code: 'D1011', cause: err });
  }
  if (inner instanceof MemoryLimitError) {
    // JSONata adds the position of the call or step it was in.
    const { position } = inner as { position?: unknown };
    return new ExpressionError(inner.message, { code: MEMORY_LIMIT, cause: err, ...(typeof position === 'number' && { position }) });
  }
  // V8's own refusals (a string past its maximum length…) are the same bound, reached another way.
  if (inner instanceof RangeError && /invalid (string|array) length/i.test(inner.message)) {
    return new ExpressionError(`The evaluation ran out of its memory bound: ${inner.message}`, { code: MEMORY_LIMIT, cause: err });
  }
  const { message, code, position } = describe(inner);
  // JSONata's range operator fills D2015's template with the attempted size, not the limit.
  const text = code === 'D2015' ? `The maximum sequence length of ${limits.maxSequence} was exceeded.` : message;
  return new ExpressionError(text, { code, position, cause: err });
}

/** JSONata throws plain objects `{ code, position, token, message }` as well as real Errors. */
function describe(err: unknown): ExpressionProblem {
  const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  let message = typeof e.message === 'string' ? e.message : '';
  try {
    message ||= String(err);
  } catch {
    message = 'Unknown error'; // an object whose toString throws
  }
  const problem: ExpressionProblem = { message };
  if (typeof e.code === 'string') problem.code = e.code;
  if (typeof e.position === 'number') problem.position = e.position;
  return problem;
}

function validLimits(limits: ExpressionLimits): ExpressionLimits {
  // JSONata reads 0 as "no limit"; a guardrail must never be switched off by accident.
  const bad = Object.entries(limits).find(([, value]) => !Number.isSafeInteger(value) || value <= 0);
  if (bad) throw new Error(`Expression limit ${bad[0]} must be a positive integer, got ${String(bad[1])}`);
  return limits;
}

/**
 * JSONata marks the arrays it builds (`sequence`, `keepSingleton`…) and, with the `sequence`
 * limit on, gives each its own `push` function. Those props are invisible to JSON but make
 * `structuredClone` throw, so they are removed before results leave this module.
 */
const MARKERS = ['push', 'sequence', 'keepSingleton', 'outerWrapper', 'tupleStream'] as const;

/**
 * Checks each string of a result before it leaves (a long string built by a few `&` is only a rope
 * until something, such as serialising the job, flattens it) and strips the markers, in one walk.
 */
function checkedResult(result: unknown, budget: MemoryBudget): unknown {
  return stripSequenceMarkers(result, budget.limits.maxStringLength);
}

function stripSequenceMarkers(result: unknown, maxStringLength: number): unknown {
  const pending: unknown[] = [result];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string' && value.length > maxStringLength) {
      throw new ExpressionError(`The result holds a string of ${value.length} characters; the limit is ${maxStringLength}`, { code: MEMORY_LIMIT });
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    // A returned lambda holds its AST and scope, which later evaluations still use as they are.
    if ('_jsonata_lambda' in value) continue;
    if (Array.isArray(value)) for (const key of MARKERS) Reflect.deleteProperty(value, key);
    for (const child of Object.values(value)) pending.push(child);
  }
  return result;
}
