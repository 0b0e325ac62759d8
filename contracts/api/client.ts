/**
 * The one HTTP client of the API, for the editor and the CLI alike: fetch with the bearer token,
 * JSON in and out, and every answer that isn't a success — a problem+json document, a proxy's
 * HTML page, something that isn't JSON — thrown as one {@link ApiError}. A server that can't be
 * reached at all is an {@link ApiUnreachableError}. Pure: fetch only, safe for the editor.
 */
import type { Problem } from '../../flows/problems';
import type { FlowDocument } from '../../flows/schema';
import type { CredentialType } from '../credentials';
import type { CredentialInfo, CredentialStored } from './credentials';
import type { PageOf, ProblemDocument } from './common';
import type { DeadLetter, ReplayResult } from './dead-letters';
import type { Deployment } from './deployments';
import type { DeployResult, FlowBody, FlowSummary, FlowView, ImportedFlow, UndeployResult } from './flows';
import type { RunStarted, RunSummary, RunTrace } from './runs';
import type { NodeTypeSpec } from './system';

/** A non-2xx (or unreadable) answer of the API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The problem document as sent; a proxy's answer may lack every field. */
    readonly body: Partial<ProblemDocument>,
    /** `GET /api/flows`: the request it answered. */
    readonly request: string,
  ) {
    super(body.detail ?? body.title ?? `the server answered ${status}`);
    this.name = 'ApiError';
  }

  get problems(): Problem[] {
    return this.body.problems ?? [];
  }
}

/** No answer at all: the server is down, or not where it was looked for. */
export class ApiUnreachableError extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
  ) {
    super(`cannot reach the Tributary server${server ? ` at ${server}` : ''} (${reason})`);
    this.name = 'ApiUnreachableError';
  }
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Left-out values are not sent. */
  query?: Record<string, string | number | undefined>;
}

export type Request = <T>(method: string, path: string, options?: RequestOptions) => Promise<T>;

export interface ClientOptions {
  /** Base URL (`http://127.0.0.1:8400`); '' for the page's own origin. */
  server?: string;
  /** The token to send as `Authorization: Bearer …`, read at each request. */
  token?(): string | null | undefined;
  /**
   * Told of a 401 with the token that was sent; resolves true to send the request again (a new
   * token is stored by then), false to fail with the 401.
   */
  onUnauthorized?(sent: string | null): Promise<boolean>;
  fetch?: typeof fetch;
}

function problemOf(status: number, statusText: string, text: string): Partial<ProblemDocument> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { title: statusText || undefined, status, ...(parsed as Partial<ProblemDocument>) };
  // A proxy's HTML error page says little; its first line is enough to recognise it.
  const line = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  return { status, ...(statusText && { title: statusText }), ...(line && { detail: line }) };
}

/** A request function bound to one server and its token. */
export function createRequest(options: ClientOptions = {}): Request {
  const server = (options.server ?? '').replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  return async function request<T>(method: string, path: string, req: RequestOptions = {}): Promise<T> {
    const query = Object.entries(req.query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined);
    const url = `${server}${path}${query.length > 0 ? `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : ''}`;
    const what = `${method} ${path}`;
    for (;;) {
      const token = options.token?.() || null;
      const headers: Record<string, string> = {
        accept: 'application/json, application/problem+json',
        ...(req.body !== undefined && { 'content-type': 'application/json' }),
        ...(token && { authorization: `Bearer ${token}` }),
        ...req.headers,
      };
      let res: Response;
      try {
        res = await doFetch(url, { method, headers, ...(req.body !== undefined && { body: JSON.stringify(req.body) }) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new ApiUnreachableError(server, cause?.code ?? cause?.message ?? (error as Error).message);
      }
      if (res.status === 401 && options.onUnauthorized && (await options.onUnauthorized(token))) continue;
      const text = await res.text();
      if (!res.ok) throw new ApiError(res.status, problemOf(res.status, res.statusText, text), what);
      if (text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ApiError(res.status, { status: res.status, title: 'Not JSON', detail: `the server answered ${res.status} with something that is not JSON` }, what);
      }
    }
  };
}

const flowPath = (id: string) => `/api/flows/${encodeURIComponent(id)}`;

/** A credential as written; the server checks it against its type's schema. Secret fields are write-only. */
export type CredentialWrite = { type: CredentialType } & Record<string, string>;

/** The API, one typed function per route a client uses (server/routes/*.ts). */
export function createApi(request: Request) {
  return {
    nodes: () => request<NodeTypeSpec[]>('GET', '/api/nodes'),
    listFlows: () => request<FlowSummary[]>('GET', '/api/flows'),
    getFlow: (id: string) => request<FlowView>('GET', flowPath(id)),
    createFlow: (doc: FlowBody | FlowDocument) => request<FlowView>('POST', '/api/flows', { body: doc }),
    /** Saves a new revision; refused with 409 unless `basedOn` is still the latest. */
    saveFlow: (doc: FlowBody | FlowDocument, basedOn: number) => request<FlowView>('PUT', flowPath(doc.id), { body: doc, headers: { 'if-match': `"${basedOn}"` } }),
    deleteFlow: (id: string) => request<void>('DELETE', flowPath(id)),
    exportFlow: (id: string) => request<FlowDocument>('GET', `${flowPath(id)}/export`),
    importFlows: (docs: unknown, onConflict: 'fail' | 'copy') => request<ImportedFlow[]>('POST', '/api/flows/import', { body: docs, query: { onConflict } }),
    /** Deploys the latest revision, or `revision` (a rollback). */
    deploy: (id: string, revision?: number) => request<DeployResult>('POST', `${flowPath(id)}/deploy`, { body: revision === undefined ? {} : { revision } }),
    undeploy: (id: string) => request<UndeployResult>('POST', `${flowPath(id)}/undeploy`),
    deployments: () => request<Deployment[]>('GET', '/api/deployments'),
    trigger: (id: string, node: string, payload: unknown) => request<RunStarted>('POST', `${flowPath(id)}/trigger`, { body: { node, payload } }),
    listRuns: (id: string, page: { offset?: number; limit?: number } = {}) => request<PageOf<RunSummary>>('GET', `${flowPath(id)}/runs`, { query: page }),
    getRun: (runId: string) => request<RunTrace>('GET', `/api/runs/${encodeURIComponent(runId)}`),
    listDeadLetters: (id: string, filter: { offset?: number; limit?: number; node?: string } = {}) => request<PageOf<DeadLetter>>('GET', `${flowPath(id)}/dead-letters`, { query: filter }),
    replay: (id: string, letterId: string, edit?: { payload: unknown }) => request<ReplayResult>('POST', `${flowPath(id)}/dead-letters/${encodeURIComponent(letterId)}/replay`, { body: edit ?? {} }),
    listCredentials: () => request<CredentialInfo[]>('GET', '/api/credentials'),
    putCredential: (name: string, body: CredentialWrite) => request<CredentialStored>('PUT', `/api/credentials/${encodeURIComponent(name)}`, { body }),
    deleteCredential: (name: string) => request<void>('DELETE', `/api/credentials/${encodeURIComponent(name)}`),
  };
}

export type Api = ReturnType<typeof createApi>;
