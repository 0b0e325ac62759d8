/**
 * Builds the outgoing request of an http-request node from its config and one message: every
 * expression evaluated with the same bindings, then the credential's header, then the execution's
 * `Idempotency-Key` — in that order, so neither a configured header nor a credential can replace
 * the key the receiver dedupes on.
 */
import { PermanentError } from '../../errors';
import type { Message, NodeContext } from '../../runtime';
import type { HttpRequestInit } from '../../runtime-http';
import { evaluateField } from '../../shared/expressions';
import { credentialAuth, setHeader } from '../../shared/http-auth';
import type { HttpRequestConfig } from './spec';

/** Methods that send no body: the `body` expression isn't even evaluated for them. */
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'DELETE']);

/**
 * The request, and the strings of its credential that must never be quoted back (see
 * `credentialAuth`): none when the node names no credential.
 */
export async function buildRequest(ctx: NodeContext<HttpRequestConfig>, message: Message): Promise<{ request: HttpRequestInit; secrets: string[] }> {
  const { config } = ctx;
  const evaluate = (field: string, source: string) => evaluateField(ctx, message, field, source);

  const urlValue = await evaluate('url', config.url);
  if (typeof urlValue !== 'string' || urlValue === '') {
    throw new PermanentError(`url: expected a non-empty string, got ${describe(urlValue)}`, { code: 'BAD_URL' });
  }
  let url: URL;
  try {
    url = new URL(urlValue);
  } catch {
    throw new PermanentError(`url: not a valid URL: ${JSON.stringify(urlValue.slice(0, 200))}`, { code: 'BAD_URL' });
  }
  for (const [name, source] of Object.entries(config.query ?? {})) {
    const value = await evaluate(`query.${name}`, source);
    for (const item of Array.isArray(value) ? value : [value]) {
      const text = scalarText(`query.${name}`, item);
      if (text !== undefined) url.searchParams.append(name, text);
    }
  }

  const headers: Record<string, string> = {};
  for (const [name, source] of Object.entries(config.headers)) {
    const text = scalarText(`headers.${name}`, await evaluate(`headers.${name}`, source));
    if (text !== undefined) setHeader(headers, name, text);
  }
  let secrets: string[] = [];
  if (config.credential !== undefined) {
    const auth = await credentialAuth(ctx.credentials, config.credential);
    setHeader(headers, ...auth.header);
    secrets = auth.secrets;
  }
  setHeader(headers, 'Idempotency-Key', ctx.idempotencyKey);

  const request: HttpRequestInit = { method: config.method, url: url.href, headers };
  if (!BODYLESS_METHODS.has(config.method)) {
    const body = await evaluate('body', config.body);
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
