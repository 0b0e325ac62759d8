/** Flows as the API offers them: saved revisions with their problems, summaries, deploy results. */
import { Type, type Static } from '@sinclair/typebox';
import { SAFE_ID_PATTERN } from '../../flows/limits';
import { FLOW_FORMAT, FlowDocumentSchema } from '../../flows/schema';
import { Choice } from '../choice';
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
export const ImportedFlowSchema = Type.Intersect([FlowViewSchema, Type.Object({ copiedFrom: Type.Optional(Type.String({ description: 'the id it was copied from, when imported under a new one' })) })]);
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

/**
 * A flow document as a request body. Only what makes it a flow document at all is required here:
 * the rest (FlowDocument) is validated as the flow's problems, so a draft is saved and its
 * problems listed.
 */
export const FlowBody = Type.Object(
  {
    format: Type.Literal(FLOW_FORMAT),
    id: Type.String({ pattern: SAFE_ID_PATTERN }),
    nodes: Type.Array(Type.Unknown()),
    edges: Type.Array(Type.Unknown()),
  },
  { description: 'a flow document (see FlowDocument); one with problems is saved as a draft, its problems listed' },
);
export type FlowBody = Static<typeof FlowBody>;

/** One flow document, or several to import at once. */
export const ImportBody = Type.Union([FlowBody, Type.Array(FlowBody)]);

export const ImportQuery = Type.Object({
  onConflict: Choice(['fail', 'copy'], { default: 'fail', description: 'on an existing id: `fail` the whole import, or `copy` under a new id' }),
});

export const SaveQuery = Type.Object({
  revision: Type.Optional(Type.Integer({ minimum: 1, description: 'the revision this change is based on (instead of If-Match)' })),
});

export const DeployBody = Type.Object({
  revision: Type.Optional(Type.Integer({ minimum: 1, description: 'deploy this earlier revision (a rollback) instead of the latest' })),
});

export const DeployResultSchema = Type.Object({ flowId: Type.String(), revision: Type.Integer(), changed: Type.Boolean({ description: 'false when it already was deployed' }) });
export type DeployResult = Static<typeof DeployResultSchema>;

export const UndeployResultSchema = Type.Object({ flowId: Type.String(), undeployed: Type.Boolean() });
export type UndeployResult = Static<typeof UndeployResultSchema>;
