/**
 * The reply a request-reply webhook gives, as the http-reply node stores it and the engine reads
 * it back (engine/replies.ts): one shape and one state key, written once.
 */
export interface StoredReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** The http-reply node that answered. */
  nodeId: string;
}

/** The http-reply node's state key for a run's reply. */
export const replyKey = (runId: string): string => `reply:${runId}`;

/**
 * How long a reply is kept: the engine's default idempotency TTL (a day), so a repeat of the
 * request within the life of its idempotency marker gets the stored reply.
 */
export const REPLY_TTL_SEC = 86_400;
