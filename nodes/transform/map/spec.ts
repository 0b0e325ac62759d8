/**
 * map — transform. Reshapes the payload with one JSONata expression.
 *
 * Ports:     in → out
 * Emits:     one message per input; payload = the expression's result (`null` when it yields nothing).
 * Transient: none (pure).
 * Permanent: the expression fails: an error in it, or a guardrail (time, depth, sequence size).
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT, SINGLE_OUTPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'map',
  category: 'transform',
  title: 'Map',
  keywords: ['map', 'transform', 'jsonata', 'reshape', 'convert', 'change', 'set'],
  docs: [
    'Reshapes each message\'s payload with a JSONata expression: `$` is the payload.',
    '',
    '**Config**',
    '- `expression`: e.g. `{ "id": orderId, "total": $sum(lines.(qty * price)) }` (default `$`, unchanged).',
    '',
    '**Ports**: `in` → `out` — one message per input; its payload is the result, `null` when the expression',
    'yields nothing.',
    '',
    '**Errors**: an expression that fails or passes its time or depth bounds fails the message for good (no retry).',
  ].join('\n'),
  configSchema: Type.Object(
    {
      expression: Expression({ title: 'Expression', description: 'JSONata over the payload; its result becomes the new payload.', default: '$' }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: SINGLE_OUTPUT },
});

export type MapConfig = ConfigOf<typeof spec>;
