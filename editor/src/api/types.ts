/** What the server's API answers, as the editor reads it (see server/routes/schemas.ts). */
import type { CatalogueEntry } from '../../../flows/catalogue';
import type { Problem } from '../../../flows/problems';
import type { FlowDocument } from '../../../flows/schema';
import type { NodeSpec } from '../../../nodes/spec';

/** A node spec as `GET /api/nodes` serves it: plain JSON, its config schema plain JSON Schema. */
export type NodeTypeSpec = Omit<NodeSpec, 'configSchema'> & CatalogueEntry;

/** `GET /api/flows/:id` and every answer that saves a flow. */
export interface FlowView {
  id: string;
  revision: number;
  savedAt: number;
  doc: FlowDocument;
  problems: Problem[];
  deployedRevision?: number;
}

/** One row of `GET /api/flows`. */
export interface FlowSummary {
  id: string;
  name: string;
  revision: number;
  savedAt: number;
  deployedRevision?: number;
}

/** One row of `GET /api/credentials`: never a secret. */
export interface CredentialInfo {
  name: string;
  type: string;
  updatedAt?: number;
}

export interface DeployResult {
  flowId: string;
  revision: number;
  changed: boolean;
}

/** An `application/problem+json` answer (RFC 9457) with the fields Tributary adds. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  problems?: Problem[];
  /** 409 on a stale save: the revision now saved and its document. */
  currentRevision?: number;
  current?: FlowDocument;
  [key: string]: unknown;
}
