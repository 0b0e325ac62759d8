import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('when Retry-After holds delay-seconds', () => {
  it.each([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
  ])('does read %j as %i ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});

describe('when Retry-After holds an HTTP date', () => {
  it('does give the time until it', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
  });

  it('does give 0 for a date already past', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });
});

describe('when Retry-After is absent or unreadable', () => {
  it.each([undefined, '', '-1', '1.5', 'soon', 'Someday, 99 Foo'])('does give undefined for %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });

  it('does read the first of repeated headers', () => {
    expect(parseRetryAfter(['3', '9'], now)).toBe(3_000);
  });
});
