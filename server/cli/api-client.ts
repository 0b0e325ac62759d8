/**
 * The CLI's view of the REST API: the shared client (contracts/api/client.ts), with every failure
 * — an unreachable server, a problem+json answer, something that isn't JSON at all — turned into
 * a {@link CliError} whose message a person can act on.
 */
import { ApiError, ApiUnreachableError, createApi, createRequest, type Api, type Request, type RequestOptions } from '../../contracts/api';
import type { Problem } from '../../flows/problems';

/** One validation problem as the API lists it (RFC 6901 pointer into the document). */
export type ApiProblem = Pick<Problem, 'pointer' | 'message'> & { code?: string };

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

/** `pointer: message` lines, the pointer `(document)` when the problem is about the whole. */
export function formatProblems(problems: readonly ApiProblem[], indent = '  '): string {
  return problems.map((p) => `${indent}${p.pointer === '' ? '(document)' : p.pointer}: ${p.message}`).join('\n');
}

const isProblemList = (value: unknown): value is ApiProblem[] =>
  Array.isArray(value) && value.every((p) => typeof p === 'object' && p !== null && typeof p.pointer === 'string' && typeof p.message === 'string');

/** The CLI's message for an answer of the API that isn't a success. */
export function errorFromApi(error: ApiError, server: string): CliError {
  const { status, body } = error;
  if (body.title === 'Not JSON') return new CliError(`${error.request}: ${body.detail}; is ${server} a Tributary server?`, status);
  const title = typeof body.title === 'string' ? body.title : 'HTTP error';
  const detail = typeof body.detail === 'string' ? body.detail : '';
  const problems = isProblemList(body.problems) ? body.problems : [];
  const hint = status === 401 ? "\npass the server's token with --token or TRIBUTARY_TOKEN" : '';
  const listed = problems.length > 0 ? `\n${formatProblems(problems)}` : '';
  return new CliError(`${error.request}: ${title} (${status})${detail && detail !== title ? `: ${detail}` : ''}${listed}${hint}`, status, problems, body);
}

export class ApiClient {
  readonly server: string;
  readonly #request: Request;
  /** The API's routes, typed; failures are {@link CliError}s. */
  readonly api: Api;

  constructor(options: ApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.server);
    } catch {
      throw new CliError(`--server must be a URL like http://127.0.0.1:8400, not "${options.server}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--server must be an http(s) URL, not "${options.server}"`);
    this.server = url.href.replace(/\/+$/, '');
    const token = options.token || undefined;
    this.#request = createRequest({ server: this.server, token: () => token, ...(options.fetch && { fetch: options.fetch }) });
    this.api = createApi((method, path, req) => this.request(method, path, req));
  }

  /** Calls the API; resolves with the parsed JSON answer (undefined when empty), throws {@link CliError}. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    try {
      return await this.#request<T>(method, path, options);
    } catch (error) {
      if (error instanceof ApiError) throw errorFromApi(error, this.server);
      if (error instanceof ApiUnreachableError) throw new CliError(`${error.message}; is it running? Set it with --server or TRIBUTARY_SERVER`);
      throw error;
    }
  }
}
