/**
 * map — one message out per message in, its payload the expression's result. A result of nothing
 * (JSONata's `undefined`, e.g. a path that matches nothing) becomes `null`, as the spec says: a
 * map never drops a message silently; dropping is what filter is for.
 */
import type { NodeRuntime } from '../../runtime';
import { compileField, evaluateField } from '../../shared/expressions';
import type { MapConfig } from './spec';

export const runtime: NodeRuntime<MapConfig> = {
  type: 'map',
  prepare(ctx) {
    compileField(ctx, 'expression', ctx.config.expression);
  },
  async run(ctx, message) {
    const result = await evaluateField(ctx, message, 'expression', ctx.config.expression);
    return [{ port: 'out', payload: result ?? null }];
  },
};
