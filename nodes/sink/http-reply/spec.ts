/**
 * http-reply — sink. The answer a request-reply webhook gives its waiting caller (like Node-RED's
 * `http response` and n8n's "Respond to Webhook").
 *
 * Ports:     in → (no outputs)
 * Emits:     nothing downstream; stores `{ status, headers, body }` for the message's run, where
 *            the run's webhook (with `respond: "reply-node"`) finds it — for the caller waiting now,
 *            and for a repeat with the same idempotency key while its marker lives.
 * Transient: Redis unreachable.
 * Permanent: a failing expression, a status outside 200–599, headers that aren't an object of strings.
 * Delivery:  the first reply stored for a run is the one every caller gets; a reply over
 *            {@link MAX_REPLY_BYTES} is stored as a 500 saying so.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { defineSpec, type ConfigOf } from '../../spec';

/** Bytes a stored reply (status, headers and body as JSON) may take. */
export const MAX_REPLY_BYTES = 256 * 1024;

export const spec = defineSpec({
  type: 'http-reply',
  category: 'sink',
  title: 'HTTP reply',
  keywords: ['http', 'reply', 'response', 'respond', 'webhook', 'request-reply', 'answer'],
  docs: [
    "Answers the caller of the run's webhook when that webhook's `respond` is `reply-node`: the caller, waiting",
    "up to the webhook's `replyTimeoutMs`, gets this status, headers and body instead of `202`.",
    '',
    '**Config**',
    '- `status`: JSONata giving the HTTP status (200–599), default `200`.',
    '- `headers`: JSONata giving an object of extra response headers, e.g. `{ "X-Order": orderId }` (optional).',
    '- `body`: JSONata giving the JSON body, default `$` (the payload).',
    '',
    '**Ports**: `in` only. Put one after each outcome you want to answer (a saga\'s `completed` and `compensated`).',
    '',
    '**Guarantees**: the first reply stored for a run is kept as long as the webhook\'s idempotency marker, so a',
    'repeat with the same key gets it again. A reply over 256 KiB is stored as a `500` saying so.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      status: Expression({ title: 'Status', description: 'JSONata giving the HTTP status.', default: '200' }),
      headers: Type.Optional(Expression({ title: 'Headers', description: 'JSONata giving an object of response headers.' })),
      body: Expression({ title: 'Body', description: 'JSONata giving the JSON body.', default: '$' }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: [] },
});

export type HttpReplyConfig = ConfigOf<typeof spec>;
