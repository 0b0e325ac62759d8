/**
 * The request and response shapes of the outbound client, and the pure steps between them:
 * checking a URL, serialising a body, rewriting a request for a redirect.
 */
import { HttpClientError, redactUrl } from './errors';

/** Anything JSON.stringify turns into JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One outbound request. */
export interface HttpRequest {
  /** Any HTTP method; sent upper-cased. */
  method: string;
  /** An absolute http: or https: URL without credentials in it. */
  url: string;
  headers?: Record<string, string>;
  /**
   * Names of headers in `headers` that carry a credential besides the standard ones (an
   * `http-header` credential's `X-Api-Key`): dropped, like `Authorization`, when a redirect
   * leaves the origin (another host or port, or https → http).
   */
  credentialHeaders?: readonly string[];
  /**
   * A string (sent as `text/plain; charset=utf-8`), bytes (`application/octet-stream`), or any
   * other JSON value (serialised, `application/json`). A `content-type` header wins over these.
   */
  body?: string | Uint8Array | JsonValue;
}

/** A response, whatever its status: 4xx and 5xx are answers, not errors. */
export interface HttpResponse {
  status: number;
  /** Lower-cased names; `set-cookie` and other repeated headers as arrays. */
  headers: Record<string, string | string[]>;
  /** The body, decompressed when the client asked for compression itself. */
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
  /** How many redirects were followed. */
  redirects: number;
  /** The body decoded with the charset of its content-type (UTF-8 when absent or unknown). */
  text(): string;
  /** The body parsed as JSON; throws a SyntaxError when it isn't. */
  json<T = unknown>(): T;
}

/** A request as it goes over the wire for one hop. */
export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Lower-cased names of the headers that don't follow a redirect to another origin. */
  credentialHeaders: readonly string[];
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses and checks a URL to fetch; `base` resolves a relative redirect Location. */
export function parseTargetUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch (cause) {
    throw new HttpClientError('bad-url', `not a valid URL: ${JSON.stringify(text.slice(0, 200))}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HttpClientError('bad-url', `only http and https URLs may be fetched, not ${url.protocol}`, { url });
  }
  if (url.username !== '' || url.password !== '') {
    throw new HttpClientError('bad-url', `${redactUrl(url)}: credentials in URLs aren't sent; use a named credential`, { url });
  }
  return url;
}

/** Builds the first hop of a request. Throws `bad-url` or `bad-request` {@link HttpClientError}s. */
export function firstHop(req: HttpRequest): Hop {
  const url = parseTargetUrl(req.url);
  if (typeof req.method !== 'string' || !TOKEN.test(req.method)) {
    throw new HttpClientError('bad-request', `not an HTTP method: ${JSON.stringify(req.method)}`, { url });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = String(value);
  }
  // Framing is ours to decide: the body below is always sent with an exact length.
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  const credentialHeaders = [...CREDENTIAL_HEADERS, ...(req.credentialHeaders ?? []).map((name) => name.toLowerCase())];
  return { url, method: req.method.toUpperCase(), headers, body: serialiseBody(req.body, headers, url), credentialHeaders };
}

function serialiseBody(body: HttpRequest['body'], headers: Record<string, string>, url: URL): Buffer | undefined {
  if (body === undefined) return undefined;
  const typed = (type: string, bytes: Buffer) => {
    headers['content-type'] ??= type;
    return bytes;
  };
  if (typeof body === 'string') return typed('text/plain; charset=utf-8', Buffer.from(body, 'utf8'));
  if (body instanceof Uint8Array) {
    return typed('application/octet-stream', Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch (cause) {
    throw new HttpClientError('bad-request', `the request body can't be serialised as JSON: ${String(cause)}`, { url, cause });
  }
  if (json === undefined) throw new HttpClientError('bad-request', 'the request body is not a JSON value', { url });
  return typed('application/json', Buffer.from(json, 'utf8'));
}

/** Redirect statuses followed; others (300, 304, …) are returned to the caller as they are. */
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

const CONTENT_HEADERS = ['content-type', 'content-encoding', 'content-language', 'content-location'];
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * The next hop after a redirect, as the Fetch standard rewrites it: 303 (and 301/302 after a
 * POST) become a body-less GET, 307/308 resend method and body. Credentials don't follow a
 * redirect to another origin; once dropped they stay dropped, even if a later hop comes back.
 */
export function redirectHop(prev: Hop, status: number, next: URL): Hop {
  const headers = { ...prev.headers };
  let { method, body } = prev;
  const toGet = (status === 303 && method !== 'GET' && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  if (toGet) {
    method = 'GET';
    body = undefined;
    for (const name of CONTENT_HEADERS) delete headers[name];
  }
  if (next.origin !== prev.url.origin) for (const name of prev.credentialHeaders) delete headers[name];
  delete headers['host'];
  return { url: next, method, headers, body, credentialHeaders: prev.credentialHeaders };
}

/** Wraps a finished exchange as an {@link HttpResponse}. */
export function makeResponse(
  status: number,
  rawHeaders: Record<string, string | string[] | undefined>,
  body: Buffer,
  url: URL,
  redirects: number,
): HttpResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(rawHeaders)) if (value !== undefined) headers[name] = value;
  const text = () => decodeText(body, headers['content-type']);
  return {
    status,
    headers,
    body,
    url: url.href,
    redirects,
    text,
    json: <T>() => JSON.parse(text()) as T,
  };
}

function decodeText(body: Buffer, contentType: string | string[] | undefined): string {
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  const charset = /;\s*charset="?([^";\s]+)/i.exec(type ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body); // an unknown charset label: UTF-8 is the best guess
  }
}
