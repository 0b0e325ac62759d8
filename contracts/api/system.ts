/** The node catalogue as served, and health. */
import { Type, type Static } from '@sinclair/typebox';
import type { CatalogueEntry } from '../../flows/catalogue';
import type { NodeSpec } from '../../nodes/spec';

/**
 * A node spec as `GET /api/nodes` serves it: plain JSON, its config schema plain JSON Schema, and
 * `implemented` — whether this build has its runtime — added by the server, which knows.
 */
export type NodeTypeSpec = Omit<NodeSpec, 'configSchema'> & CatalogueEntry & { implemented: boolean };

export const NodeTypeSpecSchema = Type.Object(
  { type: Type.String(), category: Type.String(), title: Type.String(), implemented: Type.Boolean({ description: 'false: the runtime is planned; a flow using it cannot be deployed' }) },
  { description: 'a node spec: also its config schema, ports, docs and default policy' },
);

export const HealthSchema = Type.Object({
  status: Type.String(),
  redis: Type.String(),
  down: Type.Array(Type.String(), { description: 'what is unreachable (`redis`); empty when all is up' }),
  version: Type.String(),
  deployments: Type.Integer(),
});
export type Health = Static<typeof HealthSchema>;
