/**
 * filter — transform. Lets a message through when a JSONata condition holds.
 *
 * Ports:     in → out, rejected (only when `emitRejected`)
 * Emits:     the unchanged message on `out` when `expression` is truthy; otherwise on `rejected`
 *            when enabled, else nothing (traced as filtered).
 * Transient: none (pure).
 * Permanent: the condition fails (an error in it, or a guardrail).
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT, SINGLE_OUTPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'filter',
  category: 'transform',
  title: 'Filter',
  keywords: ['filter', 'condition', 'if', 'where', 'drop', 'keep', 'jsonata'],
  docs: [
    'Passes a message on unchanged when a JSONata condition over its payload holds, and drops it otherwise.',
    '',
    '**Config**',
    '- `expression`: the condition, e.g. `total > 100 and status = "paid"`. Its result is read as',
    '  JSONata\'s `$boolean()` reads it: `false`, `0`, `""`, `null`, empty arrays and objects, and nothing at',
    '  all count as false.',
    '- `emitRejected`: also route the messages that fail the condition to a `rejected` port (default false).',
    '',
    '**Ports**: `in` → `out`, and `rejected` when `emitRejected` is on.',
    '',
    '**Errors**: a condition that fails to evaluate fails the message for good (no retry).',
  ].join('\n'),
  configSchema: Type.Object(
    {
      expression: Expression({ title: 'Condition', description: 'JSONata over the payload; a truthy result lets the message through.' }),
      emitRejected: Type.Boolean({ title: 'Emit rejected', description: 'Route messages that fail the condition to the `rejected` port.', default: false }),
    },
    { additionalProperties: false },
  ),
  ports: {
    inputs: SINGLE_INPUT,
    outputs: [...SINGLE_OUTPUT, { kind: 'fixed', name: 'rejected', when: { path: '/config/emitRejected', in: [true] } }],
  },
});

export type FilterConfig = ConfigOf<typeof spec>;
