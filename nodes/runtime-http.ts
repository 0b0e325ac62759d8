/** The outbound-HTTP client as a runtime sees it (implemented in nodes/runtime/http). */
export interface HttpRequestInit {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** Headers in `headers` that carry a credential: dropped when a redirect leaves the origin. */
  credentialHeaders?: readonly string[];
  body?: unknown;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The URL answered, after redirects. */
  url: string;
  text(): string;
  json(): unknown;
}

export interface HttpClient {
  request(req: HttpRequestInit, signal?: AbortSignal): Promise<HttpResult>;
}
