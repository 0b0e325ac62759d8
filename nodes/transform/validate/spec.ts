/**
 * validate — transform. Checks each payload against a JSON Schema the user writes.
 *
 * Ports:     in → out, invalid (only when `onInvalid` is `port`)
 * Emits:     a valid message unchanged on `out`; an invalid one on `invalid` with attrs
 *            `{ validationErrors: [{ path, message }] }` (at most 20), or fails it.
 * Transient: none (pure; the schema is compiled once per deploy).
 * Permanent: an invalid payload when `onInvalid` is `fail` (its errors in the failure).
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT, SINGLE_OUTPUT } from '../../../flows/ports';
import { UserJsonSchema } from '../../fields';
import { Choice } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'validate',
  category: 'transform',
  title: 'Validate',
  keywords: ['validate', 'validation', 'schema', 'json schema', 'check', 'contract', 'guard'],
  docs: [
    'Checks each payload against a JSON Schema (draft-07, with standard formats such as `email` and',
    '`date-time`). The schema itself is checked when the flow is saved, and compiled once per deploy.',
    '',
    '**Config**',
    '- `schema`: e.g. `{ "type": "object", "required": ["orderId"], "properties": { "orderId": { "type": "string" } } }`.',
    '- `onInvalid`: `fail` (default) fails the message for good, so the node\'s onError policy applies (dead letter',
    '  by default); `port` sends it to an `invalid` port with its errors in `validationErrors`.',
    '',
    '**Ports**: `in` → `out`, and `invalid` when `onInvalid` is `port`.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      schema: UserJsonSchema({ title: 'JSON Schema', description: 'The schema every payload must match.' }),
      onInvalid: Choice(['fail', 'port'], {
        title: 'On invalid',
        description: '`fail`: the message fails (onError policy applies); `port`: it leaves on the `invalid` port.',
        default: 'fail',
      }),
    },
    { additionalProperties: false },
  ),
  ports: {
    inputs: SINGLE_INPUT,
    outputs: [...SINGLE_OUTPUT, { kind: 'fixed', name: 'invalid', when: { path: '/config/onInvalid', in: ['port'] } }],
  },
});

export type ValidateConfig = ConfigOf<typeof spec>;
