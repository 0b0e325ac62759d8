/**
 * Fixtures of the kafka-consume tests: a flow `kafka-consume "in" → http-request "out"` posting
 * each record's payload with the node's idempotency key to a receiver, records to produce, and
 * waiting on the receiver.
 */
import type { Message as KafkaMessage } from 'kafkajs';
import { edge, flowDoc } from '../../../test/server-fixtures';
import type { KafkaConsumeConfig } from './spec';

export interface ConsumeFlowOptions {
  consume: Partial<KafkaConsumeConfig>;
  /** Where the http-request sink posts; omitted: a log sink. */
  origin?: string;
  settings?: Record<string, unknown>;
  /** An extra transform between the two (`{ id, type, config }`), wired in → it → out. */
  between?: Record<string, unknown>;
  out?: Record<string, unknown>;
}

/**
 * The sink's idempotency key is the record's topic/partition/offset, so the receiver applies each
 * record once however often it is delivered.
 */
export function consumeFlow(id: string, options: ConsumeFlowOptions) {
  const out = options.out ?? (options.origin
    ? {
        id: 'out',
        type: 'http-request',
        config: { method: 'POST', url: `"${options.origin}/effects"`, body: '{ "payload": $, "attrs": $attrs, "revision": $meta.revision }' },
        policy: { idempotency: { key: '$attrs.topic & "/" & $string($attrs.partition) & "/" & $attrs.offset', ttlSec: 3600 }, retry: { attempts: 10, backoff: { type: 'fixed', delayMs: 200 } } },
      }
    : { id: 'out', type: 'log', config: {} });
  const nodes = [{ id: 'in', type: 'kafka-consume', config: { startFrom: 'earliest', ...options.consume } }, ...(options.between ? [options.between] : []), out];
  const edges = options.between ? [edge('e1', 'in', String(options.between.id)), edge('e2', String(options.between.id), 'out')] : [edge('e1', 'in', 'out')];
  return flowDoc(id, nodes, edges, options.settings);
}

/** `count` JSON records `{ n }`, keyed by n. */
export const numbered = (count: number, from = 0): KafkaMessage[] =>
  Array.from({ length: count }, (_, i) => ({ key: String(from + i), value: JSON.stringify({ n: from + i }) }));
