/**
 * split — one message per item of what `items` yields: an array gives its items, any other value
 * (`null` included) is one item, nothing or an empty array gives no message. Each item carries
 * attrs `{ split: { index, count } }`; the engine derives each item's id from (parent id, node,
 * port, index), so a re-run emits the same ids.
 */
import { PermanentError } from '../../errors';
import type { NodeRuntime } from '../../runtime';
import { compileField, evaluateField } from '../../shared/expressions';
import type { SplitConfig } from './spec';

export const runtime: NodeRuntime<SplitConfig> = {
  type: 'split',
  prepare(ctx) {
    compileField(ctx, 'items', ctx.config.items);
  },
  async run(ctx, message) {
    const result = await evaluateField(ctx, message, 'items', ctx.config.items);
    const items = result === undefined ? [] : Array.isArray(result) ? result : [result];
    const { maxItems } = ctx.config;
    if (items.length > maxItems) {
      throw new PermanentError(`items: ${items.length} items, more than maxItems (${maxItems})`, { code: 'TOO_MANY_ITEMS' });
    }
    const count = items.length;
    return items.map((payload: unknown, index) => ({ port: 'out', payload, attrs: { split: { index, count } } }));
  },
};
