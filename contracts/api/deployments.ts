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
});
export type Deployment = Static<typeof DeploymentSchema>;
