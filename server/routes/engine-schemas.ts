/**
 * Schemas of what the engine's routes take and answer — runs and traces, dead letters,
 * credentials, deployments, webhooks — for the route table, body checks and the OpenAPI document.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { SAFE_ID_PATTERN } from '../../flows/limits';
import { HEADER_NAME_PATTERN } from '../../nodes/shared/schema';

/** One page of a listing. */
export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), offset: Type.Integer(), limit: Type.Integer(), partial: Type.Optional(Type.Boolean()) });

export const PAGE_QUERY = {
  offset: { description: 'items to skip (default 0)', type: 'integer' },
  limit: { description: 'items to return, 1–1000 (default 50)', type: 'integer' },
} as const;

export const RunIdSchema = Type.Object({ runId: Type.String() });

export const TriggerBody = Type.Object(
  {
    node: Type.String({ pattern: SAFE_ID_PATTERN, description: 'the inject node to start the run at' }),
    payload: Type.Optional(Type.Unknown({ description: "the run's payload; the node's configured one when left out" })),
  },
  { additionalProperties: false },
);

export const RunSummarySchema = Type.Object({
  flowId: Type.String(),
  runId: Type.String(),
  revision: Type.Integer(),
  nodeId: Type.String(),
  messageId: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
  startedAt: Type.Integer(),
  finishedAt: Type.Optional(Type.Integer()),
  durationMs: Type.Optional(Type.Integer()),
  pending: Type.Integer(),
  completed: Type.Integer(),
  failed: Type.Integer(),
  deadLettered: Type.Integer(),
  skipped: Type.Integer(),
  dropped: Type.Integer(),
  recreated: Type.Optional(Type.Boolean()),
});

/** A trace event as stored and relayed: `{ type, data }` (see flows/trace-events.ts for each type's data). */
export const TraceEventSchema = Type.Object({ type: Type.String(), data: Type.Record(Type.String(), Type.Unknown()) });

export const RunTraceSchema = Type.Object({ summary: RunSummarySchema, events: Type.Array(TraceEventSchema) });

const TraceErrorSchema = Type.Object({ message: Type.String(), kind: Type.String(), code: Type.Optional(Type.String()) });

export const DeadLetterSchema = Type.Object({
  id: Type.String(),
  flowId: Type.String(),
  revision: Type.Integer(),
  nodeId: Type.String(),
  nodeType: Type.String(),
  port: Type.String(),
  message: Type.Object({ id: Type.String(), runId: Type.String(), payload: Type.Unknown(), meta: Type.Record(Type.String(), Type.Unknown()) }),
  error: TraceErrorSchema,
  attempts: Type.Integer(),
  firstAttemptAt: Type.Optional(Type.Integer()),
  failedAt: Type.Integer(),
  replays: Type.Integer(),
});

export const ReplayBody = Type.Object(
  { payload: Type.Optional(Type.Unknown({ description: 'replay with this payload instead of the one the letter holds' })) },
  { additionalProperties: false },
);

export const ReplayResultSchema = Type.Object({ id: Type.String(), jobId: Type.String(), runId: Type.String(), revision: Type.Integer() });

export const NodeFilterBody = Type.Object(
  { node: Type.Optional(Type.String({ pattern: SAFE_ID_PATTERN, description: "only this node's letters" })) },
  { additionalProperties: false },
);

/** Text a header can carry: no control characters (a CR/LF would split the header). */
const HEADER_SAFE = '^[^\\u0000-\\u001f\\u007f]*$';
const secret = (description: string) => Type.String({ minLength: 1, maxLength: 4096, pattern: HEADER_SAFE, writeOnly: true, description });

export const CredentialBodies = {
  'http-basic': Type.Object(
    { type: Type.Literal('http-basic'), username: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^:\\u0000-\\u001f\\u007f]*$' }), password: secret('the password') },
    { additionalProperties: false },
  ),
  'http-bearer': Type.Object({ type: Type.Literal('http-bearer'), token: secret('the bearer token') }, { additionalProperties: false }),
  'http-header': Type.Object(
    { type: Type.Literal('http-header'), name: Type.String({ pattern: HEADER_NAME_PATTERN, description: 'the header name' }), value: secret('the header value') },
    { additionalProperties: false },
  ),
  'kafka-sasl': Type.Object(
    {
      type: Type.Literal('kafka-sasl'),
      mechanism: Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')]),
      username: Type.String({ minLength: 1, maxLength: 256, pattern: HEADER_SAFE }),
      password: secret('the SASL password'),
    },
    { additionalProperties: false },
  ),
} as const;

/** A credential as written: one of the four types. Secrets are write-only: no response carries them. */
export const CredentialBody = Type.Union(Object.values(CredentialBodies), { description: 'a credential; its secret fields are write-only' });

export const CredentialInfoSchema = Type.Object({
  name: Type.String(),
  type: Type.String(),
  updatedAt: Type.Optional(Type.Integer()),
});

export const DeploymentSchema = Type.Object({
  flowId: Type.String(),
  revision: Type.Integer(),
  since: Type.Integer({ description: 'when this revision was deployed, ms since the epoch' }),
  workers: Type.Integer({ description: 'worker connections on this flow’s queue, across processes' }),
  counts: Type.Object({ waiting: Type.Integer(), active: Type.Integer(), delayed: Type.Integer(), completed: Type.Integer(), failed: Type.Integer() }),
  backlog: Type.Integer({ description: 'waiting work, what back-pressure is measured on' }),
  backlogLimit: Type.Optional(Type.Integer()),
  sources: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      process: Type.String({ description: 'the engine process running this member' }),
      revision: Type.Integer(),
      state: Type.Union([Type.Literal('starting'), Type.Literal('running'), Type.Literal('paused'), Type.Literal('failed')]),
      problem: Type.Optional(Type.String({ description: 'what the member (or the engine, for a failed start) reported' })),
      lag: Type.Optional(
        Type.Array(Type.Object({ topic: Type.String(), partition: Type.Integer(), lag: Type.Integer({ description: 'messages past what was committed' }) }), {
          description: 'per partition the member reads, when its source tells (a Kafka consumer)',
        }),
      ),
      since: Type.Integer({ description: 'in this state since, ms since the epoch' }),
      at: Type.Integer({ description: 'last written by its process, ms since the epoch' }),
    }),
    { description: 'each running member of a subscription source (a Kafka consumer), in every engine process' },
  ),
});

export const WebhookAcceptedSchema = Type.Object({ runId: Type.String(), duplicate: Type.Optional(Type.Boolean()) });
