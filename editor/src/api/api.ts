/** The server's REST API, one typed function per route the editor uses (server/routes/*.ts). */
import type { FlowDocument } from '../../../flows/schema';
import type { CredentialType } from '../../../nodes/spec';
import type { Http } from './http';
import type { CredentialInfo, DeployResult, FlowSummary, FlowView, NodeTypeSpec } from './types';

const flowPath = (id: string) => `/api/flows/${encodeURIComponent(id)}`;

/** A credential as written to the server; its secret fields are write-only. */
export type CredentialBody = { type: CredentialType } & Record<string, string>;

export function createApi(http: Http) {
  return {
    nodes: () => http<NodeTypeSpec[]>('GET', '/api/nodes'),
    listFlows: () => http<FlowSummary[]>('GET', '/api/flows'),
    getFlow: (id: string) => http<FlowView>('GET', flowPath(id)),
    createFlow: (doc: FlowDocument) => http<FlowView>('POST', '/api/flows', { body: doc }),
    /** Saves a new revision; refused with 409 unless `basedOn` is still the latest. */
    saveFlow: (doc: FlowDocument, basedOn: number) => http<FlowView>('PUT', flowPath(doc.id), { body: doc, headers: { 'if-match': `"${basedOn}"` } }),
    deleteFlow: (id: string) => http<void>('DELETE', flowPath(id)),
    importFlow: (doc: unknown, onConflict: 'fail' | 'copy') =>
      http<Array<FlowView & { copiedFrom?: string }>>('POST', '/api/flows/import', { body: doc, query: { onConflict } }),
    deploy: (id: string) => http<DeployResult>('POST', `${flowPath(id)}/deploy`, { body: {} }),
    undeploy: (id: string) => http<{ flowId: string; undeployed: boolean }>('POST', `${flowPath(id)}/undeploy`),
    trigger: (id: string, node: string, payload: unknown) => http<{ runId: string; duplicate?: boolean }>('POST', `${flowPath(id)}/trigger`, { body: { node, payload } }),
    listCredentials: () => http<CredentialInfo[]>('GET', '/api/credentials'),
    putCredential: (name: string, body: CredentialBody) => http<{ name: string; type: string }>('PUT', `/api/credentials/${encodeURIComponent(name)}`, { body }),
    deleteCredential: (name: string) => http<void>('DELETE', `/api/credentials/${encodeURIComponent(name)}`),
  };
}

export type Api = ReturnType<typeof createApi>;
