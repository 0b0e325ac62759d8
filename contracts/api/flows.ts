/** Flows as the API offers them: saved revisions with their problems, summaries, deploy results. */
import { Type, type Static } from '@sinclair/typebox';
import { FlowDocumentSchema } from '../../flows/schema';
import { ProblemSchema } from './common';

/** `GET /api/flows/:id` and every answer that saves a flow. */
export const FlowViewSchema = Type.Object({
  id: Type.String(),
  revision: Type.Integer(),
  savedAt: Type.Integer({ description: 'ms since the epoch' }),
  doc: FlowDocumentSchema,
  problems: Type.Array(ProblemSchema),
  deployedRevision: Type.Optional(Type.Integer({ description: 'the revision currently deployed, if the flow is deployed' })),
});
export type FlowView = Static<typeof FlowViewSchema>;

/** One flow of an import: a copy names the flow it was copied from. */
export const ImportedFlowSchema = Type.Composite([FlowViewSchema, Type.Object({ copiedFrom: Type.Optional(Type.String()) })]);
export type ImportedFlow = Static<typeof ImportedFlowSchema>;

/** One row of `GET /api/flows` and of a flow's revisions. */
export const FlowSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  revision: Type.Integer(),
  savedAt: Type.Integer(),
  deployedRevision: Type.Optional(Type.Integer()),
});
export type FlowSummary = Static<typeof FlowSummarySchema>;

/** A flow document as a request body (drafts with problems are saved; their problems listed). */
export const FlowBody = FlowDocumentSchema;

export const DeployBody = Type.Object(
  { revision: Type.Optional(Type.Integer({ minimum: 1, description: 'deploy this earlier revision (a rollback) instead of the latest' })) },
  { additionalProperties: false },
);

export const DeployResultSchema = Type.Object({ flowId: Type.String(), revision: Type.Integer(), changed: Type.Boolean({ description: 'false when it already was deployed' }) });
export type DeployResult = Static<typeof DeployResultSchema>;

export const UndeployResultSchema = Type.Object({ flowId: Type.String(), undeployed: Type.Boolean() });
export type UndeployResult = Static<typeof UndeployResultSchema>;
