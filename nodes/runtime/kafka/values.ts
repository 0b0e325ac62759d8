/**
 * Record values as payloads and back, per `valueFormat`: `json` (parsed / stringified), `string`
 * (UTF-8 text as it is), `bytes` (base64 in the payload). One definition for both directions, so a
 * record a kafka-produce writes reads back as the same payload in a kafka-consume.
 */
import { PermanentError } from '../../errors';

export type ValueFormat = 'json' | 'string' | 'bytes';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes to write for `value`; a value that doesn't fit the format is the message's fault. */
export function encodeValue(value: unknown, format: ValueFormat): Buffer | string {
  switch (format) {
    case 'json':
      return JSON.stringify(value ?? null);
    case 'string':
      if (typeof value !== 'string') throw new PermanentError(`value must be a string for valueFormat "string", got ${typeof value}`, { code: 'VALUE_FORMAT' });
      return value;
    case 'bytes':
      if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
        throw new PermanentError('value must be a base64 string for valueFormat "bytes"', { code: 'VALUE_FORMAT' });
      }
      return Buffer.from(value, 'base64');
  }
}

/** Thrown by {@link decodeValue}: the record can't become a message (dead-lettered, never retried). */
export class UndecodableRecordError extends PermanentError {}

/** The payload of a record value (`null` for a tombstone). */
export function decodeValue(value: Buffer | null, format: ValueFormat): unknown {
  if (value === null) return null;
  switch (format) {
    case 'json':
      try {
        return JSON.parse(value.toString('utf8')) as unknown;
      } catch (error) {
        throw new UndecodableRecordError(`record value is not JSON: ${(error as Error).message}`, { code: 'VALUE_NOT_JSON', cause: error });
      }
    case 'string': {
      const text = value.toString('utf8');
      // A replacement character that the bytes didn't spell means they weren't UTF-8.
      if (text.includes('\uFFFD') && !value.includes(Buffer.from('\uFFFD', 'utf8'))) {
        throw new UndecodableRecordError('record value is not UTF-8 text', { code: 'VALUE_NOT_UTF8' });
      }
      return text;
    }
    case 'bytes':
      return value.toString('base64');
  }
}

/** Header values as text (kafkajs gives Buffers, or arrays of them for repeated headers). */
export function decodeHeaders(headers: Record<string, Buffer | string | Array<Buffer | string> | undefined> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}
