/**
 * Builds an outgoing request from the expressions of a node's config and one message, the same
 * way for every node that makes calls driven by messages (http-request, saga actions and
 * compensations): every expression evaluated with the same bindings, then the credential's
 * header, then the `Idempotency-Key` — in that order, so neither a configured header nor a
 * credential can replace the key the receiver dedupes on.
 */
import { PermanentError } from '../errors';
import type { Message, NodeContext, PrepareContext } from '../runtime';
import type { HttpRequestInit } from '../runtime-http';
import { compileField, evaluateField } from './expressions';
import { credentialAuth, setHeader } from './http-auth';

/** Methods that send no body: the `body` expression isn't even evaluated for them. */
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'DELETE']);

/** One call as a config describes it: JSONata for url, headers, query and body. */
export interface HttpCallConfig {
  method: string;
  url: string;
  headers: Record<string, string>;
  query?: Record<string, string>;
  /** No body is sent when absent. */
  body?: string;
  credential?: string;
}

export interface HttpCallOptions {
  /** Prefix of the config fields errors name (`steps.charge.action.`); none when the config is the call. */
  field?: string;
  /** Variables besides `$`; default `bindingsOf(message)`. */
  bindings?: Record<string, unknown>;
  /** Sent as `Idempotency-Key`. */
  idempotencyKey: string;
}

/** Compiles every expression of `call` (for `prepare`), failing with the field's name. */
export function compileHttpCall(ctx: Pick<PrepareContext<unknown>, 'expression'>, call: HttpCallConfig, field = ''): void {
  compileField(ctx, `${field}url`, call.url);
  for (const [name, source] of Object.entries(call.headers)) compileField(ctx, `${field}headers.${name}`, source);
  for (const [name, source] of Object.entries(call.query ?? {})) compileField(ctx, `${field}query.${name}`, source);
  if (call.body !== undefined) compileField(ctx, `${field}body`, call.body);
}

/**
 * The request, and the strings of its credential that must never be quoted back (see
 * `credentialAuth`): none when the call names no credential.
 */
export async function buildHttpRequest(
  ctx: NodeContext<unknown>,
  message: Message,
  call: HttpCallConfig,
  options: HttpCallOptions,
): Promise<{ request: HttpRequestInit; secrets: string[] }> {
  const prefix = options.field ?? '';
  const evaluate = (field: string, source: string) => evaluateField(ctx, message, `${prefix}${field}`, source, options.bindings);

  const urlValue = await evaluate('url', call.url);
  if (typeof urlValue !== 'string' || urlValue === '') {
    throw new PermanentError(`${prefix}url: expected a non-empty string, got ${describe(urlValue)}`, { code: 'BAD_URL' });
  }
  let url: URL;
  try {
    url = new URL(urlValue);
  } catch {
    throw new PermanentError(`${prefix}url: not a valid URL: ${JSON.stringify(urlValue.slice(0, 200))}`, { code: 'BAD_URL' });
  }
  for (const [name, source] of Object.entries(call.query ?? {})) {
    const value = await evaluate(`query.${name}`, source);
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = scalarText(`${prefix}query.${name}`, item);
      if (text !== undefined) url.searchParams.append(name, text);
    }
  }

  const headers: Record<string, string> = {};
  for (const [name, source] of Object.entries(call.headers)) {
    const text = scalarText(`${prefix}headers.${name}`, await evaluate(`headers.${name}`, source));
    if (text !== undefined) setHeader(headers, name, text);
  }
  let secrets: string[] = [];
  let credentialHeader: string | undefined;
  if (call.credential !== undefined) {
    const auth = await credentialAuth(ctx.credentials, call.credential);
    setHeader(headers, ...auth.header);
    secrets = auth.secrets;
    credentialHeader = auth.header[0];
  }
  setHeader(headers, 'Idempotency-Key', options.idempotencyKey);

  const request: HttpRequestInit = { method: call.method, url: url.href, headers, ...(credentialHeader && { credentialHeaders: [credentialHeader] }) };
  if (call.body !== undefined && !BODYLESS_METHODS.has(call.method)) {
    const body = await evaluate('body', call.body);
    if (body !== undefined) request.body = body;
  }
  return { request, secrets };
}

/** A header or query value: a string, number or boolean as text; nothing or null leaves it out. */
function scalarText(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new PermanentError(`${field}: expected a string, number or boolean, got ${describe(value)}`, { code: 'BAD_VALUE' });
}

const describe = (value: unknown): string =>
  value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
