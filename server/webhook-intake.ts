/**
 * Webhook intake: turns one HTTP request under `/hooks/<flowId>/…` into a message at the deployed
 * flow's webhook node — find the node by path and method, authenticate the request the way the
 * node says (shared secret or HMAC of the raw body, compared in constant time), parse the body,
 * keep the request's attributes without its secrets, and hand it to the engine, which answers once
 * the message is durably enqueued.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isSecretKey } from '../flows/preview';
import { SAFE_ID } from '../flows/limits';
import type { Engine } from '../engine/engine';
import { NotDeployedError, type IngestResult } from '../engine/ingest';
import type { Plan, PlanNode } from '../engine/plan';
import type { WebhookConfig } from '../nodes/source/webhook/spec';
import { badRequest, HttpError, notFound } from './http/problem';
import { sameSecret } from './http/security';

export interface HookRequest {
  method: string;
  /** The path after `/hooks/<flowId>`, split and decoded (`/orders/7` → `['orders', '7']`). */
  segments: readonly string[];
  headers: IncomingHttpHeaders;
  query: Record<string, unknown>;
  /** The body exactly as received (signatures cover these bytes). */
  body: Buffer;
}

/** Headers that carry secrets whatever the node's config says. */
const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];

/** `:name` segments captured, or undefined when `pattern` (`/orders/:id`) doesn't match. */
export function matchPath(pattern: string, segments: readonly string[]): { params: Record<string, string>; literals: number } | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  let literals = 0;
  for (const [i, part] of parts.entries()) {
    const segment = segments[i]!;
    if (part.startsWith(':')) {
      if (segment === '') return undefined;
      Object.defineProperty(params, part.slice(1), { value: segment, enumerable: true, writable: true, configurable: true });
    } else if (part === segment) literals++;
    else return undefined;
  }
  return { params, literals };
}

/** The node a request is for: 404 when no webhook has its path, 405 (with Allow) when only the method differs. */
export function routeHook(plan: Plan, method: string, segments: readonly string[]): { node: PlanNode; params: Record<string, string> } {
  const candidates = Object.values(plan.nodes)
    .filter((node) => node.type === 'webhook' && !node.disabled)
    .map((node) => ({ node, match: matchPath(String(node.config.path), segments) }))
    .filter((c): c is { node: PlanNode; match: NonNullable<typeof c.match> } => c.match !== undefined);
  if (candidates.length === 0) throw notFound(`no webhook at /hooks/${plan.flowId}/${segments.join('/')}`);
  const allowed = candidates.filter((c) => c.node.config.method === method);
  if (allowed.length === 0) {
    const methods = [...new Set(candidates.map((c) => String(c.node.config.method)))].sort();
    throw new HttpError(405, 'Method not allowed', `this webhook takes ${methods.join(', ')}`, {}, { Allow: methods.join(', ') });
  }
  // The most specific path wins (`/orders/new` over `/orders/:id`), then the first node drawn.
  allowed.sort((a, b) => b.match.literals - a.match.literals || a.node.index - b.node.index);
  return { node: allowed[0]!.node, params: allowed[0]!.match.params };
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
};

/** Whether `given` is the HMAC of `body` keyed with `key`, as the node's auth config says it is written. */
export function signatureMatches(given: string | undefined, auth: Pick<WebhookConfig['auth'], 'algorithm' | 'encoding'>, key: string, body: Buffer): boolean {
  if (given === undefined) return false;
  let text = given.trim();
  const prefix = /^(sha256|sha512)=/i.exec(text);
  if (prefix) {
    if (prefix[1]!.toLowerCase() !== auth.algorithm) return false;
    text = text.slice(prefix[0].length);
  }
  const wellFormed = auth.encoding === 'hex' ? /^(?:[0-9a-fA-F]{2})+$/.test(text) : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text);
  if (!wellFormed) return false;
  const expected = createHmac(auth.algorithm, key).update(body).digest();
  const bytes = Buffer.from(text, auth.encoding);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

const unauthorized = () => new HttpError(401, 'Unauthorized', 'the request does not carry valid credentials for this webhook');

/** Object from form fields; a repeated field becomes an array. Keys stay data (`__proto__` too). */
function formObject(text: string): Record<string, unknown> {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const earlier = fields.get(name);
    fields.set(name, earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value]);
  }
  return Object.fromEntries(fields);
}

/** The payload: the query for GET; else the body — JSON parsed (400 when malformed), a form as fields, anything else as text. */
export function payloadOf(request: HookRequest): unknown {
  if (request.method === 'GET') return request.query;
  if (request.body.length === 0) return null;
  const text = request.body.toString('utf8');
  const type = (header(request.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw badRequest('the request body is not valid JSON');
    }
  }
  if (type === 'application/x-www-form-urlencoded') return formObject(text);
  return text;
}

export class WebhookIntake {
  constructor(private readonly engine: Engine) {}

  /** Takes the request in; resolves once its message is durably enqueued (or was, for a repeated key). */
  async accept(flowId: string, request: HookRequest): Promise<IngestResult> {
    const plan = SAFE_ID.test(flowId) ? await this.engine.currentPlan(flowId) : undefined;
    if (!plan) throw notFound(`no webhook at /hooks/${flowId.slice(0, 80)}/${request.segments.join('/')}`);
    const { node, params } = routeHook(plan, request.method, request.segments);
    const config = node.config as WebhookConfig;
    const secretHeaders = await this.authenticate(config, request);
    const payload = payloadOf(request);
    const hidden = new Set([...SECRET_HEADERS, ...secretHeaders.map((h) => h.toLowerCase())]);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !hidden.has(name) && !isSecretKey(name)));
    const attrs = { method: request.method, path: `/${request.segments.join('/')}`, params, query: request.query, headers };
    const idempotencyKey = header(request.headers, config.idempotencyHeader);
    if (idempotencyKey !== undefined && idempotencyKey.length > 256) throw badRequest(`the ${config.idempotencyHeader} header is longer than 256 characters`);
    try {
      return await this.engine.ingest(flowId, { nodeId: node.id, payload, attrs, ...(idempotencyKey && { idempotencyKey }), types: ['webhook'] });
    } catch (error) {
      // Undeployed between the lookup and now: to the caller there is no webhook here.
      if (error instanceof NotDeployedError) throw notFound(`no webhook at /hooks/${flowId}/${request.segments.join('/')}`);
      throw error;
    }
  }

  /**
   * Checks the request against the node's auth config (401 when it fails); returns the names of
   * the headers that carried the secret, to strip them. A credential that is gone fails with a
   * 500 (logged): the caller is not at fault and may retry once it is restored.
   */
  private async authenticate(config: WebhookConfig, request: HookRequest): Promise<string[]> {
    const { auth } = config;
    if (auth.mode === 'none') return [];
    if (auth.credential === undefined) throw new Error(`webhook auth mode ${auth.mode} without a credential`);
    const credential = await this.engine.credentials.get(auth.credential, 'http-header');
    if (auth.mode === 'shared-secret') {
      const given = header(request.headers, credential.name);
      if (given === undefined || !sameSecret(given, credential.value)) throw unauthorized();
      return [credential.name];
    }
    if (!signatureMatches(header(request.headers, auth.signatureHeader), auth, credential.value, request.body)) throw unauthorized();
    return [auth.signatureHeader];
  }
}
