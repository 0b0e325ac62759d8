/**
 * The outbound-HTTP client every HTTP-speaking node uses (server-only). It refuses forbidden
 * destinations at connect time (see guarded-lookup.ts), follows redirects itself so that every
 * hop is checked again, and bounds each request in total time and in bytes read.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { createAddressPolicy, resolveOutboundPolicy, type OutboundPolicy } from './address-policy';
import { abortError, classifyError, HttpClientError, redactUrl } from './errors';
import { assertLiteralHostAllowed, createGuardedLookup, type Resolver } from './guarded-lookup';
import {
  firstHop,
  makeResponse,
  parseTargetUrl,
  redirectHop,
  REDIRECT_STATUSES,
  type Hop,
  type HttpRequest,
  type HttpResponse,
} from './messages';

/** Seams for tests; production code passes nothing. */
export interface HttpClientOptions {
  /** Replaces the system resolver, e.g. to play a DNS server that rebinds. */
  resolve?: Resolver;
}

/** The client a node runtime receives as `ctx.http`. */
export interface OutboundHttpClient {
  /** The effective policy, defaults applied. */
  readonly policy: Readonly<OutboundPolicy>;
  /**
   * Sends `req` and reads the whole response. Resolves with any status (see
   * `isTransientStatus`); rejects only with an {@link HttpClientError}.
   */
  request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse>;
  /** Closes pooled keep-alive connections; requests after this still work (on new ones). */
  close(): void;
}

const ENCODINGS = 'gzip, deflate, br';

/**
 * Creates a client bound to one outbound policy (merged over `DEFAULT_OUTBOUND_POLICY`;
 * throws `OutboundPolicyError` when invalid). Each client pools its own connections, so a
 * socket checked under one policy is never reused under another.
 */
export function createHttpClient(policy: Partial<OutboundPolicy> = {}, options: HttpClientOptions = {}): OutboundHttpClient {
  const effective = Object.freeze(resolveOutboundPolicy(policy));
  const addresses = createAddressPolicy(effective.allow);
  const lookup = createGuardedLookup(addresses, options.resolve);
  // The lookup goes on the agents as well as on each request: agent options win over request
  // options when node builds the socket, so this is the setting that can't be bypassed.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, lookup }),
    'https:': new https.Agent({ keepAlive: true, lookup }),
  };

  async function request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const deadline = AbortSignal.timeout(effective.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let hop = firstHop(req);
    for (let redirects = 0; ; redirects++) {
      if (combined.aborted) throw abortError(deadline, signal, hop.url, effective.timeoutMs);
      try {
        assertLiteralHostAllowed(hop.url.hostname, addresses);
      } catch (error) {
        throw classifyError(error, hop.url);
      }
      const autoDecode = hop.headers['accept-encoding'] === undefined && hop.method !== 'HEAD';
      const wire = autoDecode ? { ...hop, headers: { ...hop.headers, 'accept-encoding': ENCODINGS } } : hop;
      const res = await guard(exchange(wire, agents[hop.url.protocol as 'http:' | 'https:'], lookup, combined), hop.url);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined && effective.maxRedirects > 0) {
        res.destroy(); // its body is of no use, and reading it would spend the time budget
        if (redirects >= effective.maxRedirects) {
          throw new HttpClientError('too-many-redirects', `${redactUrl(hop.url)}: more than ${effective.maxRedirects} redirects`, {
            url: hop.url,
          });
        }
        hop = redirectHop(hop, status, parseTargetUrl(location, hop.url));
        continue;
      }
      const body = await guard(readBody(res, effective.maxResponseBytes, autoDecode, combined, hop.url), hop.url);
      return makeResponse(status, res.headers, body, hop.url, redirects);
    }

    /** Turns whatever went wrong into an HttpClientError, blaming the deadline or caller first. */
    async function guard<T>(work: Promise<T>, url: URL): Promise<T> {
      try {
        return await work;
      } catch (error) {
        if (combined.aborted && !(error instanceof HttpClientError && error.kind !== 'aborted')) {
          throw abortError(deadline, signal, url, effective.timeoutMs);
        }
        throw classifyError(error, url);
      }
    }
  }

  return {
    policy: effective,
    request,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** Sends one hop; resolves when the response head arrives. */
function exchange(hop: Hop, agent: http.Agent, lookup: http.RequestOptions['lookup'], signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = hop.url.protocol === 'https:' ? https : http;
    const headers = hop.body ? { ...hop.headers, 'content-length': String(hop.body.length) } : hop.headers;
    let req: http.ClientRequest;
    try {
      req = transport.request(hop.url, { method: hop.method, headers, agent, lookup });
    } catch (error) {
      reject(error); // invalid method or header, raised synchronously by node:http
      return;
    }
    const onAbort = () => req.destroy(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    req.once('response', (res) => {
      signal.removeEventListener('abort', onAbort);
      resolve(res);
    });
    req.end(hop.body);
  });
}

/** Reads a body of at most `cap` bytes (after decompression), failing early on Content-Length. */
async function readBody(res: IncomingMessage, cap: number, decode: boolean, signal: AbortSignal, url: URL): Promise<Buffer> {
  const tooLarge = (what: string) => {
    res.destroy();
    return new HttpClientError('too-large', `${redactUrl(url)}: ${what} exceeds the limit of ${cap} bytes`, { url });
  };
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) throw tooLarge(`the declared body of ${declared} bytes`);

  const onAbort = () => res.destroy(new Error('aborted'));
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort(); // it may have fired while the response head was being handed over
  try {
    const source = decode ? decoded(res) : res;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > cap) throw tooLarge('the body');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** The body stream decompressed per Content-Encoding; unknown codings pass through untouched. */
function decoded(res: IncomingMessage): Readable {
  const coding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const noBody = res.statusCode === 204 || res.statusCode === 304 || res.headers['content-length'] === '0';
  const make =
    coding === 'gzip' || coding === 'x-gzip'
      ? () => zlib.createGunzip()
      : coding === 'deflate'
        ? () => zlib.createInflate()
        : coding === 'br'
          ? () => zlib.createBrotliDecompress()
          : undefined;
  if (!make || noBody) return res;
  const decoder = make();
  res.once('error', (error) => decoder.destroy(error));
  decoder.once('close', () => res.destroy());
  return res.pipe(decoder);
}
