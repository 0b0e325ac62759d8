/** Dead letters as the engine keeps them and the API shows them, and what replaying one answers. */
import { Type, type Static } from '@sinclair/typebox';
import { SAFE_ID_PATTERN } from '../../flows/limits';
import { TraceErrorSchema } from '../trace-error';

const MessageMetaSchema = Type.Object({
  flowId: Type.String(),
  revision: Type.Integer(),
  port: Type.String({ description: 'the port the message arrived on' }),
  startedAt: Type.Integer({ description: "when the run's source emitted its first message" }),
  joinedRuns: Type.Optional(Type.Array(Type.String(), { description: 'runs a merge joined into this message' })),
  attrs: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const DeadLetterSchema = Type.Object({
  id: Type.String({ description: 'the id of the delivery job that failed' }),
  flowId: Type.String(),
  revision: Type.Integer(),
  deployment: Type.Optional(Type.String({ description: 'the plan the delivery ran on; absent in letters from before deployment ids' })),
  nodeId: Type.String(),
  nodeType: Type.String(),
  port: Type.String({ description: 'the input port the message arrived on' }),
  message: Type.Object({ id: Type.String(), runId: Type.String(), payload: Type.Unknown(), meta: MessageMetaSchema }),
  error: TraceErrorSchema,
  attempts: Type.Integer(),
  firstAttemptAt: Type.Optional(Type.Integer()),
  failedAt: Type.Integer(),
  replays: Type.Integer({ description: 'how many times this message was replayed before it ended here' }),
  truncated: Type.Optional(
    Type.Object(
      { originalBytes: Type.Integer({ description: "the payload's size as JSON when it failed" }) },
      { description: 'the payload was larger than the cap: `message.payload` holds the start of its JSON text, and the letter replays only with an edited payload' },
    ),
  ),
});
export type DeadLetter = Static<typeof DeadLetterSchema>;

export const ReplayBody = Type.Object(
  { payload: Type.Optional(Type.Unknown({ description: 'replay with this payload instead of the one the letter holds' })) },
  { additionalProperties: false },
);

export const ReplayResultSchema = Type.Object({ id: Type.String(), jobId: Type.String(), runId: Type.String(), revision: Type.Integer() });
export type ReplayResult = Static<typeof ReplayResultSchema>;

export const ReplayAllResultSchema = Type.Object({
  replayed: Type.Array(ReplayResultSchema),
  refused: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() })),
  remaining: Type.Integer({ description: "letters left: replay-all stops where the flow's backlog bound is reached" }),
});
export type ReplayAllResult = Static<typeof ReplayAllResultSchema>;

export const DiscardAllResultSchema = Type.Object({ discarded: Type.Integer() });

export const NodeFilterBody = Type.Object(
  { node: Type.Optional(Type.String({ pattern: SAFE_ID_PATTERN, description: "only this node's letters" })) },
  { additionalProperties: false },
);
