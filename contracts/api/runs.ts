/** Runs: what a trigger answers, a run's summary as the engine keeps it, and its trace. */
import { Type, type Static } from '@sinclair/typebox';
import { SAFE_ID_PATTERN } from '../../flows/limits';
import type { TraceEvent } from '../../flows/trace-events';
import { Choice } from '../choice';

export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run as the engine stores it (one Redis hash, numbers parsed) and the API lists it. */
export const RunSummarySchema = Type.Object({
  flowId: Type.String(),
  runId: Type.String(),
  revision: Type.Integer(),
  deployment: Type.Optional(Type.String({ description: 'the plan it started on (revision.hash, unique for all time); absent for runs from before deployment ids and recreated ones' })),
  nodeId: Type.String({ description: "the source node that started it ('' when a replay recreated the run)" }),
  messageId: Type.String(),
  status: Choice(RUN_STATUSES),
  startedAt: Type.Integer(),
  finishedAt: Type.Optional(Type.Integer()),
  durationMs: Type.Optional(Type.Integer({ description: 'finishedAt − startedAt, when finished' })),
  pending: Type.Integer({ description: 'deliveries enqueued and not yet settled' }),
  completed: Type.Integer(),
  failed: Type.Integer(),
  deadLettered: Type.Integer(),
  skipped: Type.Integer(),
  dropped: Type.Integer(),
  recreated: Type.Optional(Type.Literal(true, { description: "the run's record had expired and a dead-letter replay recreated it (counts start there)" })),
  executionsNotKept: Type.Optional(
    Type.Integer({ description: "executions whose outcome the stored trace no longer holds (past the trace's count or byte cap; oldest first): the editor shows \"N executions not kept\"" }),
  ),
  trimmed: Type.Optional(
    Type.Literal(true, { description: 'trimmed off the runs index (more than maxPerFlow newer runs) while in flight: its record was kept so it records its finish, but listings no longer show it' }),
  ),
});
export type RunSummary = Static<typeof RunSummarySchema>;

/** A trace event as stored and relayed: `{ type, data }` (see flows/trace-events.ts for each type's data). */
export const TraceEventSchema = Type.Object({ type: Type.String(), data: Type.Record(Type.String(), Type.Unknown()) });

export const RunTraceSchema = Type.Object({ summary: RunSummarySchema, events: Type.Array(TraceEventSchema) });
/** `GET /api/runs/:runId`; each event typed by the trace event map. */
export interface RunTrace {
  summary: RunSummary;
  events: TraceEvent[];
}

export const TriggerBody = Type.Object(
  {
    node: Type.String({ pattern: SAFE_ID_PATTERN, description: 'the inject node to start the run at' }),
    payload: Type.Optional(Type.Unknown({ description: "the run's payload; the node's configured one when left out" })),
  },
  { additionalProperties: false },
);
export type TriggerBody = Static<typeof TriggerBody>;

/** What starting a run answers (a trigger, a webhook): `duplicate` when its idempotency key was seen before. */
export const RunStartedSchema = Type.Object({ runId: Type.String(), duplicate: Type.Optional(Type.Literal(true)) });
export type RunStarted = Static<typeof RunStartedSchema>;
