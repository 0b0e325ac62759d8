/**
 * kafkajs errors as the engine's retry policy sees them. Broker outages, leader and coordinator
 * moves, timeouts are transient; authentication, authorization and records the broker will never
 * take are permanent.
 */
import { PermanentError, TransientError } from '../../errors';

/** Protocol error types that retrying can't fix. */
const PERMANENT_TYPES = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_RECORD',
  'INVALID_REQUIRED_ACKS',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'POLICY_VIOLATION',
]);

const PERMANENT_NAMES = new Set(['KafkaJSSASLAuthenticationError', 'KafkaJSNonRetriableError', 'KafkaJSInvalidVarIntError', 'KafkaJSUnsupportedMagicByteInMessageSet']);

interface KafkaJsErrorLike {
  name?: string;
  message?: string;
  type?: string;
  retriable?: boolean;
  cause?: unknown;
  originalError?: unknown;
}

/** The innermost error kafkajs wrapped (its retry layer wraps the last attempt's failure). */
function rootOf(error: unknown): KafkaJsErrorLike {
  let current = error as KafkaJsErrorLike;
  for (let depth = 0; depth < 5; depth++) {
    const inner = (current?.originalError ?? current?.cause) as KafkaJsErrorLike | undefined;
    if (!inner || typeof inner !== 'object') break;
    current = inner;
  }
  return current ?? {};
}

/** Classifies what a kafkajs call threw; errors of ours pass through unchanged. */
export function kafkaFailure(error: unknown, what: string): Error {
  if (error instanceof TransientError || error instanceof PermanentError) return error;
  const root = rootOf(error);
  const outer = error as KafkaJsErrorLike;
  const message = `${what}: ${root.message ?? outer.message ?? String(error)}`;
  if ((root.type && PERMANENT_TYPES.has(root.type)) || PERMANENT_NAMES.has(root.name ?? '') || PERMANENT_NAMES.has(outer.name ?? '')) {
    return new PermanentError(message, { cause: error, code: root.type ?? root.name ?? 'KAFKA' });
  }
  return new TransientError(message, { cause: error });
}
