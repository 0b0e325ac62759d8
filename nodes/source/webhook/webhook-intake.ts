/**
 * Webhook requests, piece by piece: which node a request is for (by path and method), whether it
 * carries valid credentials (shared secret, or HMAC of the raw body — with a fresh signed
 * timestamp when configured — compared in constant time; none refuses untrusted cross-site
 * browser requests), and its payload. The source (source.ts) puts them together.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IntakeError } from '../../errors';
import type { Credentials } from '../../runtime';
import type { IntakeRequest, SourceNode } from '../../source-contract';
import { sameSecret } from '../../shared/same-secret';
import type { WebhookConfig } from './spec';

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

/**
 * The node a request is for: undefined when no webhook has its path, a 405 (with Allow) when
 * only the method differs. The most specific path wins (`/orders/new` over `/orders/:id`), then
 * the first node drawn.
 */
export function routeHook(
  nodes: readonly SourceNode<WebhookConfig>[],
  method: string,
  segments: readonly string[],
): { node: SourceNode<WebhookConfig>; params: Record<string, string> } | undefined {
  const candidates = nodes
    .map((node) => ({ node, match: matchPath(node.config.path, segments) }))
    .filter((c): c is { node: SourceNode<WebhookConfig>; match: NonNullable<typeof c.match> } => c.match !== undefined);
  if (candidates.length === 0) return undefined;
  const allowed = candidates.filter((c) => c.node.config.method === method);
  if (allowed.length === 0) {
    const methods = [...new Set(candidates.map((c) => c.node.config.method))].sort();
    throw new IntakeError(405, 'Method not allowed', `this webhook takes ${methods.join(', ')}`, { Allow: methods.join(', ') });
  }
  allowed.sort((a, b) => b.match.literals - a.match.literals || a.node.index - b.node.index);
  return { node: allowed[0]!.node, params: allowed[0]!.match.params };
}

export const header = (headers: IntakeRequest['headers'], name: string): string | undefined => {
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

/** Whether `given` is a Unix time in seconds within `toleranceSec` of `nowMs`, either way. */
export function timestampFresh(given: string | undefined, toleranceSec: number, nowMs = Date.now()): boolean {
  if (given === undefined || !/^\d{1,12}$/.test(given.trim())) return false;
  return Math.abs(nowMs / 1000 - Number(given.trim())) <= toleranceSec;
}

/** What the sender signed: the raw body, or `<timestamp>.<body>` when the node takes a signed timestamp. */
function signedBytes(auth: WebhookConfig['auth'], request: IntakeRequest): Buffer {
  if (auth.timestampHeader === undefined) return request.body;
  const timestamp = header(request.headers, auth.timestampHeader);
  if (!timestampFresh(timestamp, auth.toleranceSec)) throw unauthorized();
  return Buffer.concat([Buffer.from(`${timestamp!.trim()}.`), request.body]);
}

const unauthorized = () => new IntakeError(401, 'Unauthorized', 'the request does not carry valid credentials for this webhook');

/**
 * Checks the request against the node's auth config (401 when it fails); returns the names of
 * the headers that carried the secret, to strip them. A credential that is gone fails with a
 * 500 (logged): the caller is not at fault and may retry once it is restored.
 */
export async function authenticate(config: WebhookConfig, request: IntakeRequest, credentials: Credentials): Promise<string[]> {
  const { auth } = config;
  if (auth.mode === 'none') {
    // Anyone's web page can make a browser send a GET (an <img>) or a simple POST to a loopback webhook.
    if (request.crossSite) throw new IntakeError(403, 'Forbidden', 'this webhook takes no cross-site browser requests: it has no auth');
    return [];
  }
  if (auth.credential === undefined) throw new Error(`webhook auth mode ${auth.mode} without a credential`);
  const credential = await credentials.get(auth.credential, 'http-header');
  if (auth.mode === 'shared-secret') {
    const given = header(request.headers, credential.name);
    if (given === undefined || !sameSecret(given, credential.value)) throw unauthorized();
    return [credential.name];
  }
  if (!signatureMatches(header(request.headers, auth.signatureHeader), auth, credential.value, signedBytes(auth, request))) throw unauthorized();
  return [auth.signatureHeader];
}

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
export function payloadOf(request: IntakeRequest): unknown {
  if (request.method === 'GET') return request.query;
  if (request.body.length === 0) return null;
  const text = request.body.toString('utf8');
  const type = (header(request.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new IntakeError(400, 'Bad request', 'the request body is not valid JSON');
    }
  }
  if (type === 'application/x-www-form-urlencoded') return formObject(text);
  return text;
}
