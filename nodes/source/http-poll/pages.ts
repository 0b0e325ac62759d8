/**
 * The pure parts of http-poll: which URL each page GETs, how records, keys, versions and cursors
 * are read, and how cursors compare. No I/O here; run.ts does the requests and keeps the state.
 */
import { createHash } from 'node:crypto';
import { PermanentError } from '../../errors';
import type { HttpPollConfig } from './spec';

/** A cursor value: numbers compare by value, strings in code-point order (UTC ISO times sort right). */
export type Cursor = string | number;

/**
 * Where a poll is: carried by the delivery that reads the page (a tick's for the first page, a
 * timer's for the next ones), so a delivery run again after a crash reads the very same page.
 */
export interface PageStep {
  /** The id of the tick message that started the poll. */
  poll: string;
  sync: 'full' | 'incremental';
  /** 1 for the first page. */
  page: number;
  url: string;
  /** The origin the poll started at (the configured URL's, or what `urlFrom` gave): the credential goes only there. */
  origin?: string;
  /** The largest cursor value of the records read so far in this poll. */
  max?: Cursor;
}

/** The URL of page `page` (1-based): the configured URL, the cursor when there is one, paging parameters. */
export function pageUrl(config: HttpPollConfig, since: Cursor | undefined, page: number, base: string = config.url ?? ''): string {
  const url = new URL(base);
  if (since !== undefined && config.cursor) url.searchParams.set(config.cursor.param, String(since));
  return withPaging(url, config.pagination, page);
}

/** `url` turned to page `page` (page and offset modes; other modes leave it as it is). */
export function withPaging(url: URL, pagination: HttpPollConfig['pagination'], page: number): string {
  const { mode, pageSize } = pagination;
  if (mode === 'page') url.searchParams.set(pagination.pageParam, String(pagination.firstPage + page - 1));
  if (mode === 'offset') url.searchParams.set(pagination.offsetParam, String((page - 1) * pageSize));
  if (mode === 'page' || mode === 'offset') url.searchParams.set(pagination.sizeParam, String(pageSize));
  return url.href;
}

/**
 * The next page's URL after `step` read `count` records, for page and offset modes: a page
 * shorter than the page size is the last.
 */
export function numberedNext(config: HttpPollConfig, step: PageStep, count: number): string | undefined {
  const { mode, pageSize } = config.pagination;
  if ((mode !== 'page' && mode !== 'offset') || count < pageSize) return undefined;
  return withPaging(new URL(step.url), config.pagination, step.page + 1);
}

/** What a `nextLink` expression gave, as an absolute URL; nothing (or an empty string) ends the poll. */
export function linkedNext(value: unknown, current: string, origin?: string): string | undefined {
  if (value === undefined || value === null || value === '' || value === false) return undefined;
  if (typeof value !== 'string') throw new PermanentError(`pagination.nextLink: expected a URL, got ${describe(value)}`, { code: 'BAD_NEXT_LINK' });
  let next: URL;
  try {
    next = new URL(value, current);
  } catch {
    throw new PermanentError(`pagination.nextLink: not a URL: ${JSON.stringify(value.slice(0, 200))}`, { code: 'BAD_NEXT_LINK' });
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new PermanentError(`pagination.nextLink: only http(s) links are followed, got ${next.protocol}`, { code: 'BAD_NEXT_LINK' });
  }
  // A page names where the next one is, and a page is what the remote side controls: without
  // consent, pagination stays on the origin the user configured (and the credential with it).
  if (origin !== undefined && next.origin !== origin) {
    throw new PermanentError(`pagination.nextLink: leads to ${next.origin}, another origin than ${origin} (turn on pagination.crossOrigin to follow it)`, { code: 'CROSS_ORIGIN_NEXT_LINK' });
  }
  return next.href;
}

/** What the `records` expression gave, as a list: one value stands for itself (JSONata unwraps singletons). */
export function recordList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A record's key as the message id needs it: a non-empty string or a number. */
export function recordKey(value: unknown, index: number): string | number {
  if ((typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new PermanentError(`record ${index} of the page has no key (recordKey gave ${describe(value)})`, { code: 'NO_KEY' });
}

/** A record's version: what `recordVersion` gave, or a hash of its content when it gave nothing. */
export function recordVersion(value: unknown, record: unknown): unknown {
  return value === undefined || value === null ? `sha256:${createHash('sha256').update(canonicalJson(record)).digest('base64url')}` : value;
}

/** A record's cursor value; nothing when it has none. */
export function cursorOf(value: unknown, index: number): Cursor | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
  throw new PermanentError(`cursor.value: record ${index} gave ${describe(value)}, not a string or a number`, { code: 'BAD_CURSOR' });
}

/** The larger of two cursors; strings and numbers mixed compare as strings. */
export function laterCursor(a: Cursor | undefined, b: Cursor | undefined): Cursor | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === 'number' && typeof b === 'number') return b > a ? b : a;
  return String(b) > String(a) ? b : a;
}

/** JSON with object keys sorted, so that equal content hashes equal whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const describe = (value: unknown): string =>
  value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
