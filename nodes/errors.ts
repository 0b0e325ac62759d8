/**
 * Errors grouped by intent, so the engine's retry policy doesn't guess: transient errors are
 * retried with backoff; permanent ones go straight to the node's onError policy.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
  /** A hint from the other side (`Retry-After`), honoured when longer than the backoff. */
  readonly retryAfterMs: number | undefined;
}

export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.code = options?.code;
  }
  readonly code: string | undefined;
}

/** 408, 429 and 5xx are worth retrying; other 4xx mean the request itself is wrong. */
export const isTransientStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * An intake refusing a request (nodes/source-contract.ts): the server answers with `status`,
 * `title` and `detail` as a problem document, plus `headers` (`Allow` with a 405).
 */
export class IntakeError extends Error {
  override readonly name = 'IntakeError';
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}
