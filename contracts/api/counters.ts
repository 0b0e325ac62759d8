/**
 * `GET /api/flows/:id/counters`: per-node counts of the deployed revision, in the shape of the
 * live relay's batch counters (flows/live-events.ts), which the editor seeds its canvas with.
 */
import { Type, type Static } from '@sinclair/typebox';

const count = Type.Integer({ minimum: 0 });
export const NodeCountersSchema = Type.Object({ started: count, completed: count, failed: count, retried: count, deadLettered: count, skipped: count });

export const FlowCountersSchema = Type.Object({
  flowId: Type.String(),
  revision: Type.Optional(Type.Integer({ description: 'the deployed revision; absent when the flow is not deployed (then no counters)' })),
  counters: Type.Record(Type.String(), NodeCountersSchema, { description: 'node id → counts, for every node of the deployed revision' }),
});
export type FlowCounters = Static<typeof FlowCountersSchema>;
