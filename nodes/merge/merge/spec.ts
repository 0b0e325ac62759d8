/**
 * merge — merge. Joins messages from several inputs; its state lives in Redis, so it survives
 * restarts and works across workers.
 *
 * Ports:     one input per `inputs` item → out, timeout (mode join only)
 * Emits:     join — `{ <input>: payload, … }` on `out` once every input has a message with the same
 *            correlation key (attrs `{ correlationKey }`); `{ arrived: { <input>: payload }, missing:
 *            [inputs] }` on `timeout` when `timeoutMs` passes first (attrs `{ missing, correlationKey }`).
 *            window — `{ <input>: [payloads], … }` (every input listed, empty when it sent nothing)
 *            when `maxMessages` arrived or `windowMs` passed since the window opened (attrs
 *            `{ window: { id, count, openedAt, closedAt, reason: count|time } }`). `meta.joinedRuns`
 *            and `attrs.joinedRuns` list the runs merged. The output id is fixed in the same atomic
 *            step that completes the group.
 * Transient: Redis unreachable.
 * Permanent: the correlation key fails to evaluate or yields nothing.
 */
import { Type } from '@sinclair/typebox';
import { PORT_NAME_PATTERN } from '../../../flows/limits';
import { SINGLE_OUTPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { Choice, requiredWhen } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'merge',
  category: 'merge',
  title: 'Merge',
  keywords: ['merge', 'join', 'correlate', 'combine', 'window', 'batch', 'aggregate', 'buffer', 'zip'],
  docs: [
    'Combines messages arriving on several inputs, in one of two modes.',
    '',
    '**join** waits for one message on every input with the same `correlationKey` (JSONata over each payload,',
    'e.g. `orderId`), then emits `{ "orders": …, "payments": … }` keyed by input name. If `timeoutMs` passes',
    'first, what did arrive leaves on the `timeout` port, with the missing inputs in `missing`. A later message',
    'on an input that already holds one for that key replaces it.',
    '',
    '**window** collects messages until `maxMessages` have arrived or `windowMs` has passed since the first,',
    'then emits one message grouping the payloads by input: `{ "customers": [ … ], "products": [ … ] }`',
    '(the reference pipeline\'s "flush every 30 s").',
    '',
    '**Config**: `mode` (`join` default, or `window`); `inputs`: the input port names (default `a`, `b`);',
    'join: `correlationKey`, `timeoutMs` (default 60 000); window: `maxMessages` (default 100), `windowMs` (default 30 000).',
    '',
    '**Ports**: one input per name in `inputs` → `out`, and `timeout` in join mode.',
    '',
    '**Guarantees**: state lives in Redis with a TTL, so a merge survives restarts and its inputs may arrive at',
    'different workers. A redelivered message is recognised by its id and counted once; completing a group and',
    'fixing the id of what it emits are one atomic step, so a crash neither loses a group nor emits it twice.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      mode: Choice(['join', 'window'], {
        title: 'Mode',
        description: '`join`: one message per input with the same key. `window`: collect N messages or T ms.',
        default: 'join',
      }),
      inputs: Type.Array(Type.String({ pattern: PORT_NAME_PATTERN }), {
        title: 'Inputs',
        description: 'Names of the input ports, e.g. `orders`, `payments`.',
        minItems: 1,
        maxItems: 16,
        uniqueItems: true,
        default: ['a', 'b'],
      }),
      correlationKey: Type.Optional(
        Expression({ title: 'Correlation key', description: 'JSONata over each payload giving the key messages are joined on (mode join), e.g. `orderId`.' }),
      ),
      timeoutMs: Type.Integer({
        title: 'Timeout (ms)',
        description: 'How long a join waits for its other inputs before emitting what arrived on `timeout` (mode join).',
        minimum: 100,
        maximum: 7 * 86_400_000,
        default: 60_000,
      }),
      maxMessages: Type.Integer({ title: 'Max messages', description: 'A window closes once this many messages arrived (mode window).', minimum: 1, maximum: 10_000, default: 100 }),
      windowMs: Type.Integer({
        title: 'Window (ms)',
        description: 'A window closes this long after its first message (mode window).',
        minimum: 100,
        maximum: 86_400_000,
        default: 30_000,
      }),
    },
    { additionalProperties: false, ...requiredWhen('mode', ['join'], ['correlationKey'], true) },
  ),
  ports: {
    inputs: [{ kind: 'each', items: '/config/inputs', name: '' }],
    outputs: [...SINGLE_OUTPUT, { kind: 'fixed', name: 'timeout', when: { path: '/config/mode', in: ['join'] } }],
  },
});

export type MergeConfig = ConfigOf<typeof spec>;
