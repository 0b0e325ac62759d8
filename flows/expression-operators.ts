/**
 * The operator guard (see expression-memory.ts for why): JSONata's per-step exit hook, installed
 * only on expressions that can loop, caps every value a step produced and charges what
 * constructors build.
 */
import type jsonata from 'jsonata';
import { BUDGET_SLOT, type MemoryBudget, PROPERTY, SLOT } from './expression-memory';

/** JSONata's hook after each evaluation step. */
export const EVALUATE_EXIT = Symbol.for('jsonata.__evaluate_exit');

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

