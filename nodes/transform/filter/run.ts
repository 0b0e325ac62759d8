/**
 * filter — the unchanged payload on `out` when the condition is truthy as `$boolean()` reads it;
 * otherwise on `rejected` when `emitRejected`, else nothing (the engine traces an empty output).
 */
import type { NodeRuntime } from '../../runtime';
import { compileField, evaluateField } from '../../shared/expressions';
import { truthy } from '../../shared/truthy';
import type { FilterConfig } from './spec';

export const runtime: NodeRuntime<FilterConfig> = {
  type: 'filter',
  prepare(ctx) {
    compileField(ctx, 'expression', ctx.config.expression);
  },
  async run(ctx, message) {
    const holds = truthy(await evaluateField(ctx, message, 'expression', ctx.config.expression));
    if (holds) return [{ port: 'out', payload: message.payload }];
    return ctx.config.emitRejected ? [{ port: 'rejected', payload: message.payload }] : [];
  },
};
