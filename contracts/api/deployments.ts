/** Deployment status as `GET /api/deployments` lists it. */
import { Type, type Static } from '@sinclair/typebox';

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
export type Deployment = Static<typeof DeploymentSchema>;
