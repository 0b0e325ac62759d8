/**
 * kafka-produce — one record per message through the process's shared, batching, idempotent
 * producer (nodes/runtime/kafka), acks -1. Completes once the brokers acknowledged; its trace
 * note says where the record landed. Errors are classified by nodes/runtime/kafka/errors.ts;
 * expression failures and values that don't fit the format are permanent.
 */
import type { NodeRuntime } from '../../runtime';
import { connectionOf, kafkaFailure, produce } from '../../runtime/kafka';
import { encodeValue } from '../../runtime/kafka/values';
import { compileField, evaluateField } from '../../shared/expressions';
import { MESSAGE_ID_HEADER } from '../../shared/kafka';
import { PermanentError, TransientError } from '../../errors';
import type { KafkaProduceConfig } from './spec';

/** Header carrying the node's idempotency key (lower-case: Kafka headers are case-sensitive). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export const runtime: NodeRuntime<KafkaProduceConfig> = {
  type: 'kafka-produce',
  prepare(ctx) {
    const { key, partition, value, headers } = ctx.config;
    if (key !== undefined) compileField(ctx, 'key', key);
    if (partition !== undefined) compileField(ctx, 'partition', partition);
    compileField(ctx, 'value', value);
    for (const [name, source] of Object.entries(headers)) compileField(ctx, `headers.${name}`, source);
  },
  async run(ctx, message) {
    const { config } = ctx;
    const value = encodeValue(await evaluateField(ctx, message, 'value', config.value), config.valueFormat);
    const key = config.key === undefined ? null : textOf(await evaluateField(ctx, message, 'key', config.key), 'key');
    const partition = config.partition === undefined ? undefined : partitionOf(await evaluateField(ctx, message, 'partition', config.partition));
    const headers: Record<string, string> = {};
    for (const [name, source] of Object.entries(config.headers)) headers[name] = textOf(await evaluateField(ctx, message, `headers.${name}`, source), `headers.${name}`);
    headers[MESSAGE_ID_HEADER] = message.id;
    headers[IDEMPOTENCY_HEADER] = ctx.idempotencyKey;
    const connection = await connectionOf(config, ctx.credentials);
    try {
      const sent = produce(connection, { topic: config.topic, key, value, headers, ...(partition !== undefined && { partition }) }, { lingerMs: config.lingerMs });
      ctx.note(await untilAborted(sent, ctx.signal));
    } catch (error) {
      throw kafkaFailure(error, `kafka produce to ${config.topic}`);
    }
    return [];
  },
};

/**
 * The node's timeout (or a worker shutdown) ends the wait with a TransientError; the record may
 * still be written, so the retry can write it twice — the id header is what tells them apart.
 */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new TransientError('kafka produce aborted: the node timed out or the worker is stopping'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new TransientError('kafka produce aborted: the node timed out or the worker is stopping'));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function textOf(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new PermanentError(`${field} must give a string or a number, got ${value === undefined ? 'nothing' : typeof value}`, { code: 'KAFKA_FIELD' });
}

function partitionOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new PermanentError(`partition must give a non-negative integer, got ${JSON.stringify(value) ?? 'nothing'}`, { code: 'KAFKA_PARTITION' });
}
