import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchPath, payloadOf, signatureMatches, timestampFresh } from './webhook-intake';

describe('when a request path is matched against a webhook path', () => {
  it('does capture :param segments and count the literal ones', () => {
    expect(matchPath('/orders/:id/items/:item', ['orders', '7', 'items', 'x'])).toEqual({ params: { id: '7', item: 'x' }, literals: 2 });
    expect(matchPath('/orders', ['orders'])).toEqual({ params: {}, literals: 1 });
  });

  it('does not match another length, another literal, or an empty param segment', () => {
    expect(matchPath('/orders/:id', ['orders'])).toBeUndefined();
    expect(matchPath('/orders/:id', ['orders', '7', 'x'])).toBeUndefined();
    expect(matchPath('/orders/:id', ['Orders', '7'])).toBeUndefined();
    expect(matchPath('/orders/:id', ['orders', ''])).toBeUndefined();
  });

  it('does keep a param named like an Object.prototype member as plain data', () => {
    const match = matchPath('/:constructor', ['x']);
    expect(match?.params).toEqual({ constructor: 'x' });
    expect(Object.getPrototypeOf(match!.params)).toBe(Object.prototype);
  });
});

describe('when a signature is checked', () => {
  const body = Buffer.from('{"a":1}');
  const auth = { algorithm: 'sha256', encoding: 'hex' } as const;
  const good = createHmac('sha256', 'k').update(body).digest('hex');

  it('does accept the HMAC, bare or prefixed with its algorithm, in either case of hex', () => {
    expect(signatureMatches(good, auth, 'k', body)).toBe(true);
    expect(signatureMatches(`sha256=${good.toUpperCase()}`, auth, 'k', body)).toBe(true);
    expect(signatureMatches(` ${good} `, auth, 'k', body)).toBe(true);
  });

  it('does refuse anything else', () => {
    expect(signatureMatches(undefined, auth, 'k', body)).toBe(false);
    expect(signatureMatches(`sha512=${good}`, auth, 'k', body)).toBe(false);
    expect(signatureMatches(good.slice(2), auth, 'k', body)).toBe(false);
    expect(signatureMatches(`${good}00`, auth, 'k', body)).toBe(false);
    expect(signatureMatches(good, auth, 'other', body)).toBe(false);
    expect(signatureMatches(createHmac('sha256', 'k').update(body).digest('base64'), auth, 'k', body)).toBe(false);
  });

  it('does accept base64 and base64url when so configured', () => {
    const digest = createHmac('sha512', 'k').update(body).digest();
    const b64 = { algorithm: 'sha512', encoding: 'base64' } as const;
    expect(signatureMatches(digest.toString('base64'), b64, 'k', body)).toBe(true);
    expect(signatureMatches(digest.toString('base64url'), b64, 'k', body)).toBe(true);
    expect(signatureMatches('!!!', b64, 'k', body)).toBe(false);
  });
});

describe('when a signed timestamp is checked', () => {
  const now = 1_800_000_000_000;

  it('does accept Unix seconds within the tolerance either way, up to its edge', () => {
    expect(timestampFresh('1800000000', 300, now)).toBe(true);
    expect(timestampFresh('1799999700', 300, now)).toBe(true);
    expect(timestampFresh(' 1800000300 ', 300, now)).toBe(true);
  });

  it('does refuse one past the edge, missing, or not whole seconds', () => {
    expect(timestampFresh('1799999699', 300, now)).toBe(false);
    expect(timestampFresh('1800000301', 300, now)).toBe(false);
    expect(timestampFresh(undefined, 300, now)).toBe(false);
    expect(timestampFresh('', 300, now)).toBe(false);
    expect(timestampFresh('1800000000.5', 300, now)).toBe(false);
    expect(timestampFresh('1800000000000', 300, now)).toBe(false);
    expect(timestampFresh('-1', 300, now)).toBe(false);
  });
});

describe('when the payload is read', () => {
  const request = (method: string, body: string, contentType?: string) => ({
    method,
    segments: ['x'],
    headers: contentType ? { 'content-type': contentType } : {},
    query: { q: '1' },
    body: Buffer.from(body),
  });

  it('does take the query for GET, whatever the body', () => {
    expect(payloadOf(request('GET', '{"a":1}', 'application/json'))).toEqual({ q: '1' });
  });

  it('does parse JSON types, keep other types as text, and read nothing as null', () => {
    expect(payloadOf(request('POST', '[1,2]', 'application/json; charset=utf-8'))).toEqual([1, 2]);
    expect(payloadOf(request('POST', '<a/>', 'application/xml'))).toBe('<a/>');
    expect(payloadOf(request('POST', '{"a":1}'))).toBe('{"a":1}');
    expect(payloadOf(request('PUT', '', 'application/json'))).toBeNull();
    expect(() => payloadOf(request('POST', '{', 'application/json'))).toThrow(/not valid JSON/);
  });
});
