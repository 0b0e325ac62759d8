/**
 * inject — source. Starts a run by hand: the editor's trigger button or `POST /api/flows/:id/trigger`.
 *
 * Ports:     (no inputs) → out
 * Emits:     one message per trigger; payload = the trigger's payload, or the configured one when
 *            the trigger gives none. Its id comes from the trigger's idempotency key, else a fresh id.
 * Transient: none of its own (enqueueing is the engine's).
 * Permanent: none.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_OUTPUT } from '../../../flows/ports';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'inject',
  category: 'source',
  title: 'Inject',
  keywords: ['inject', 'manual', 'trigger', 'start', 'test', 'button'],
  docs: [
    'Starts a run by hand: press **Trigger** in the editor, or call `POST /api/flows/:id/trigger`.',
    '',
    '**Config**',
    '- `payload`: the JSON sent when the trigger brings no payload of its own (default `{}`).',
    '',
    '**Ports**: `out` — one message per trigger.',
    '',
    '**Guarantees**: the trigger is answered once the message is durably enqueued. A trigger that',
    'repeats an idempotency key gets the original run id back instead of a second run.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      payload: Type.Unknown({ title: 'Payload', description: 'Any JSON; sent when the trigger gives none.', default: {} }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: [], outputs: SINGLE_OUTPUT },
});

export type InjectConfig = ConfigOf<typeof spec>;
