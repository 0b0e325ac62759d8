import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../errors';
import { decodeHeaders, decodeValue, encodeValue, UndecodableRecordError } from './values';

describe('when a record value is decoded', () => {
  it('parses JSON, keeps UTF-8 text, and gives bytes as base64', () => {
    expect(decodeValue(Buffer.from('{"a":[1,2]}'), 'json')).toEqual({ a: [1, 2] });
    expect(decodeValue(Buffer.from('grüße 🚀'), 'string')).toBe('grüße 🚀');
    expect(decodeValue(Buffer.from([0, 255]), 'bytes')).toBe('AP8=');
    expect(decodeValue(null, 'json')).toBeNull();
  });

  it('refuses a value that is not JSON, or not UTF-8 text, as undecodable', () => {
    expect(() => decodeValue(Buffer.from('{nope'), 'json')).toThrow(UndecodableRecordError);
    expect(() => decodeValue(Buffer.from([0xc3, 0x28]), 'string')).toThrow(/not UTF-8/);
    // A replacement character the bytes really spell is text like any other.
    expect(decodeValue(Buffer.from('\uFFFD', 'utf8'), 'string')).toBe('\uFFFD');
  });

  it('gives header values as text, repeated headers as lists', () => {
    expect(decodeHeaders({ a: Buffer.from('1'), b: [Buffer.from('x'), Buffer.from('y')], c: undefined })).toEqual({ a: '1', b: ['x', 'y'] });
  });
});

describe('when a payload is encoded as a record value', () => {
  it('writes what decoding reads back, per format', () => {
    for (const [payload, format] of [[{ n: 1 }, 'json'], ['text', 'string'], ['AP8=', 'bytes']] as const) {
      const encoded = encodeValue(payload, format);
      expect(decodeValue(Buffer.from(encoded), format)).toEqual(payload);
    }
  });

  it('refuses a non-string for string, and a non-base64 string for bytes', () => {
    expect(() => encodeValue(5, 'string')).toThrow(PermanentError);
    expect(() => encodeValue('not base64!', 'bytes')).toThrow(/base64/);
  });
});
