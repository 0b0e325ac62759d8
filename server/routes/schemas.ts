/** Response and body schemas shared by the route table and the OpenAPI document. */
import { Type } from '@sinclair/typebox';
import { FlowDocumentSchema } from '../../flows/schema';

export const ProblemSchema = Type.Object({
  pointer: Type.String(),
  message: Type.String(),
  code: Type.String(),
  nodeId: Type.Optional(Type.String()),
  edgeId: Type.Optional(Type.String()),
});

export const ProblemDocumentSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String(),
  problems: Type.Optional(Type.Array(ProblemSchema)),
});

export const FlowViewSchema = Type.Object({
  id: Type.String(),
  revision: Type.Integer(),
  savedAt: Type.Integer(),
  doc: FlowDocumentSchema,
  problems: Type.Array(ProblemSchema),
  deployedRevision: Type.Optional(Type.Integer()),
});

export const FlowSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  revision: Type.Integer(),
  savedAt: Type.Integer(),
  deployedRevision: Type.Optional(Type.Integer()),
});

export const DeployResultSchema = Type.Object({ flowId: Type.String(), revision: Type.Integer(), changed: Type.Boolean() });

/** A flow document as a request body (the full schema is checked by validation, not here). */
export const FlowBody = FlowDocumentSchema;

export const problem = (description: string) => ({ description, schema: ProblemDocumentSchema });
