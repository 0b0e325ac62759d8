/**
 * fetch with the API's conventions: JSON bodies, `application/problem+json` errors turned into
 * {@link ApiError}, and the bearer token. A 401 asks for the token (once for every request waiting
 * on it) and retries with the one given.
 */
import type { ProblemDocument } from './types';
import type { TokenStore } from './token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** What the server sent; a proxy's answer may lack every field. */
    readonly body: Partial<ProblemDocument>,
  ) {
    super(body.detail ?? body.title ?? `the server answered ${status}`);
    this.name = 'ApiError';
  }

  get problems() {
    return this.body.problems ?? [];
  }
}

export interface HttpOptions {
  tokens: TokenStore;
  /**
   * Called on a 401; resolves once a new token is stored. `refused` is true when the token just
   * sent was the one refused (so the prompt can say it was wrong).
   */
  askForToken(refused: boolean): Promise<void>;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export type Http = <T>(method: string, path: string, options?: RequestOptions) => Promise<T>;

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 500) };
  }
}

export function createHttp(options: HttpOptions): Http {
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  return async function request<T>(method: string, path: string, req: RequestOptions = {}): Promise<T> {
    const url = req.query ? `${path}?${new URLSearchParams(req.query).toString()}` : path;
    for (;;) {
      const token = options.tokens.get();
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      if (token) headers.authorization = `Bearer ${token}`;
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      const res = await doFetch(url, { method, headers, ...(req.body !== undefined && { body: JSON.stringify(req.body) }) });
      if (res.status === 401) {
        // Another request may have stored a new token while this one was on its way.
        if (options.tokens.get() !== token) continue;
        await options.askForToken(token !== null);
        continue;
      }
      const body = await readBody(res);
      if (!res.ok) throw new ApiError(res.status, (typeof body === 'object' && body !== null ? body : {}) as Partial<ProblemDocument>);
      return body as T;
    }
  };
}
