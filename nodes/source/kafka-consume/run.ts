/**
 * kafka-consume — the first delivery of each record's run (nodes/source-contract.ts): decodes the
 * value the source emitted as base64 per `valueFormat` and emits it on `out`, the record's topic,
 * partition, offset, key, timestamp and headers in its attributes. A value that can't be decoded
 * is a PermanentError: that one message goes to the node's onError path (dead letter by default).
 */
import type { NodeRuntime } from '../../runtime';
import { decodeValue } from '../../runtime/kafka/values';
import type { RawRecord } from './source';
import type { KafkaConsumeConfig } from './spec';

export const runtime: NodeRuntime<KafkaConsumeConfig> = {
  type: 'kafka-consume',
  run: async (ctx, message) => {
    const raw = message.payload as RawRecord | null;
    const bytes = raw?.value == null ? null : Buffer.from(raw.value, 'base64');
    const payload = decodeValue(bytes, ctx.config.valueFormat);
    return [{ port: 'out', payload, attrs: message.meta.attrs ?? {} }];
  },
};
