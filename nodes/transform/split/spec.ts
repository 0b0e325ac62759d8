/**
 * split — transform. Fans one message out into one message per item of an array.
 *
 * Ports:     in → out
 * Emits:     one message per item; payload = the item, attrs `{ split: { index, count } }`. Their ids
 *            derive from (parent id, node, port, index), so a re-run emits the same ids, never twice.
 * Transient: none (pure).
 * Permanent: the expression fails, or yields more than `maxItems` items.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT, SINGLE_OUTPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'split',
  category: 'transform',
  title: 'Split',
  keywords: ['split', 'explode', 'each', 'iterate', 'array', 'fan-out', 'items'],
  docs: [
    'Emits one message per item of an array in the payload, e.g. one per order line.',
    '',
    '**Config**',
    '- `items`: JSONata giving the array, e.g. `lines` (default `$`). A single value counts as one item (JSONata',
    '  unwraps one-item sequences: write `lines[]` to keep them arrays); nothing, or an empty array, emits nothing.',
    '- `maxItems`: more items than this fail the message rather than flood the flow (default 10 000).',
    '',
    '**Ports**: `in` → `out` — one message per item, with `split.index` (from 0) and `split.count` in its attributes.',
    '',
    '**Guarantees**: the item messages have deterministic ids, so a split re-run after a crash emits each item once.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      items: Expression({ title: 'Items', description: 'JSONata over the payload giving the array to split.', default: '$' }),
      maxItems: Type.Integer({ title: 'Max items', description: 'More items than this fail the message.', minimum: 1, maximum: 1_000_000, default: 10_000 }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: SINGLE_OUTPUT },
});

export type SplitConfig = ConfigOf<typeof spec>;
