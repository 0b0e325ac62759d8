/**
 * The CLI's view of the REST API: fetch with the token, JSON in and out, and every failure —
 * an unreachable server, a problem+json answer, something that isn't JSON at all — turned into
 * a {@link CliError} whose message a person can act on.
 */

/** One validation problem as the API lists it (RFC 6901 pointer into the document). */
export interface ApiProblem {
  pointer: string;
  message: string;
  code?: string;
}

/** A failure the CLI reports on stderr and exits non-zero for; `message` is already readable. */
export class CliError extends Error {
  constructor(
    message: string,
    /** The HTTP status when the server answered, for callers that react to one (404 → create). */
    readonly status?: number,
    readonly problems: readonly ApiProblem[] = [],
    /** The problem document as the server sent it, for `--json` error output. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8400`. */
  server: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
  /** For tests; default the global fetch. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
}

/** `pointer: message` lines, the pointer `(document)` when the problem is about the whole. */
export function formatProblems(problems: readonly ApiProblem[], indent = '  '): string {
  return problems.map((p) => `${indent}${p.pointer === '' ? '(document)' : p.pointer}: ${p.message}`).join('\n');
}

const isProblemList = (value: unknown): value is ApiProblem[] =>
  Array.isArray(value) && value.every((p) => typeof p === 'object' && p !== null && typeof p.pointer === 'string' && typeof p.message === 'string');

/** Builds the error for a non-2xx answer from its (maybe problem+json) body. */
export function errorFromResponse(status: number, statusText: string, text: string, what: string): CliError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const doc = (typeof body === 'object' && body !== null ? body : {}) as { title?: unknown; detail?: unknown; problems?: unknown };
  const title = typeof doc.title === 'string' ? doc.title : statusText || 'HTTP error';
  // A proxy's HTML error page says little; its first line is enough to recognise it.
  const detail = typeof doc.detail === 'string' ? doc.detail : text.trim().split('\n')[0]?.slice(0, 200) ?? '';
  const problems = isProblemList(doc.problems) ? doc.problems : [];
  const hint = status === 401 ? '\npass the server\'s token with --token or TRIBUTARY_TOKEN' : '';
  const listed = problems.length > 0 ? `\n${formatProblems(problems)}` : '';
  return new CliError(`${what}: ${title} (${status})${detail && detail !== title ? `: ${detail}` : ''}${listed}${hint}`, status, problems, body);
}

export class ApiClient {
  readonly server: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new CliError(`--server must be a URL like http://127.0.0.1:8400, not "${options.server}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--server must be an http(s) URL, not "${options.server}"`);
    this.server = url.href.replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Calls the API; resolves with the parsed JSON answer (undefined when empty), throws {@link CliError}. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const query = Object.entries(options.query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
    const search = query.length > 0 ? `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
    const url = `${this.server}${path}${search}`;
    const what = `${method} ${path}`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          accept: 'application/json, application/problem+json',
          ...(options.body !== undefined && { 'content-type': 'application/json' }),
          ...(this.#token && { authorization: `Bearer ${this.#token}` }),
          ...options.headers,
        },
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(`cannot reach the Tributary server at ${this.server} (${reason}); is it running? Set it with --server or TRIBUTARY_SERVER`);
    }
    const text = await response.text();
    if (!response.ok) throw errorFromResponse(response.status, response.statusText, text, what);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${what}: the server answered ${response.status} with something that is not JSON; is ${this.server} a Tributary server?`, response.status);
    }
  }

  get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, query ? { query } : {});
  }

  post<T>(path: string, body?: unknown, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('POST', path, { body: body ?? {}, ...(query && { query }) });
  }
}

/** A path segment from user input (`a/b` must not reach another route). */
export const seg = (value: string): string => encodeURIComponent(value);
