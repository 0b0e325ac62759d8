/**
 * One error type for everything that can go wrong below the HTTP status line, classified so a
 * node (and the engine's retry policy) can decide without parsing messages. HTTP statuses are
 * not errors here: the response comes back and {@link isTransientStatus} classifies it.
 */
export { isTransientStatus } from '../../errors';

/**
 * - `refused-address`: the destination is forbidden by the outbound policy (permanent).
 * - `bad-url`: unparsable, not http(s), or carrying credentials — also for a redirect's Location (permanent).
 * - `bad-request`: a method, header or body node:http can't send (permanent).
 * - `timeout`: the policy's total time, or a caller's timeout signal, ran out (transient).
 * - `aborted`: the caller's signal aborted for another reason (permanent: the caller knows why).
 * - `connection`: DNS failure, refused, reset or cut short (transient).
 * - `tls`: certificate or handshake failure (permanent: retrying won't fix a certificate).
 * - `too-large`: the response body passes `maxResponseBytes` (permanent).
 * - `too-many-redirects`: more than `maxRedirects` redirects (permanent).
 * - `bad-response`: the body can't be decoded per its Content-Encoding (permanent).
 */
export type HttpClientErrorKind =
  | 'refused-address'
  | 'bad-url'
  | 'bad-request'
  | 'timeout'
  | 'aborted'
  | 'connection'
  | 'tls'
  | 'too-large'
  | 'too-many-redirects'
  | 'bad-response';

const TRANSIENT: Record<HttpClientErrorKind, boolean> = {
  'refused-address': false,
  'bad-url': false,
  'bad-request': false,
  timeout: true,
  aborted: false,
  connection: true,
  tls: false,
  'too-large': false,
  'too-many-redirects': false,
  'bad-response': false,
};

/** A failed outbound request. `url` leaves out the query string, which often carries keys. */
export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
  readonly code: string;
  /** Whether trying again later may succeed. */
  readonly transient: boolean;
  readonly url: string | undefined;
  constructor(
    readonly kind: HttpClientErrorKind,
    message: string,
    options: { url?: URL; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = `ERR_TRIBUTARY_HTTP_${kind.toUpperCase().replaceAll('-', '_')}`;
    this.transient = TRANSIENT[kind];
    this.url = options.url ? redactUrl(options.url) : undefined;
  }
}

/** Origin and path only: query strings and fragments stay out of errors and logs. */
export const redactUrl = (url: URL): string => `${url.origin}${url.pathname}`;

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;
const REQUEST_CODES = new Set([
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
]);

/** Maps an error from node:net/http/tls/zlib, or the guarded lookup, onto an {@link HttpClientError}. */
export function classifyError(error: unknown, url: URL): HttpClientError {
  if (error instanceof HttpClientError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const where = `${redactUrl(url)}: ${message}`;
  const make = (kind: HttpClientErrorKind, text = where) => new HttpClientError(kind, text, { url, cause: error });
  if (typeof code !== 'string') return make('connection');
  if (code === 'ERR_TRIBUTARY_ADDRESS_REFUSED') return make('refused-address', message);
  if (code === 'ETIMEDOUT') return make('timeout');
  if (TLS_CODES.test(code)) return make('tls');
  if (REQUEST_CODES.has(code)) return make('bad-request');
  if (code.startsWith('Z_')) return make('bad-response');
  return make('connection');
}

/**
 * The error for an aborted `signal`: `timeout` when it was our own deadline (or the caller's
 * signal aborted with a TimeoutError, as AbortSignal.timeout does), otherwise `aborted`.
 */
export function abortError(deadline: AbortSignal, caller: AbortSignal | undefined, url: URL, timeoutMs: number): HttpClientError {
  const target = redactUrl(url);
  if (deadline.aborted) {
    return new HttpClientError('timeout', `${target}: no complete response within ${timeoutMs} ms`, { url });
  }
  const reason: unknown = caller?.reason;
  const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
  return isTimeout
    ? new HttpClientError('timeout', `${target}: the caller's time ran out`, { url, cause: reason })
    : new HttpClientError('aborted', `${target}: aborted by the caller`, { url, cause: reason });
}
