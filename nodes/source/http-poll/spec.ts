/**
 * http-poll — source. Polls a paginated REST endpoint: a full sync first, then incremental by a
 * cursor kept in Redis.
 *
 * Ports:     (no inputs) → out
 * Emits:     one message per record; payload = the record, attrs `{ sync: 'full'|'incremental',
 *            page, url }`. Its id derives from (node, recordKey, recordVersion), so a record polled
 *            again unchanged is a duplicate and goes no further.
 * Transient: timeouts, connection errors, 408, 429 (Retry-After honoured), 5xx.
 * Permanent: other 4xx, a body that isn't JSON, `records` not yielding records, a record without
 *            a key, a refused address (outbound-HTTP policy).
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_OUTPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { FixedHeaders, HTTP_CREDENTIAL_TYPES, HTTP_URL_PATTERN, HttpCredential } from '../../shared/http';
import { Choice, QUERY_PARAM_PATTERN, requiredWhen } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

const QueryParam = (title: string, description: string, defaultValue: string) =>
  Type.String({ title, description, pattern: QUERY_PARAM_PATTERN, default: defaultValue });

const PaginationSchema = Type.Object(
  {
    mode: Choice(['none', 'page', 'offset', 'next-link'], {
      title: 'Pagination',
      description: '`page`: page numbers; `offset`: record offsets; `next-link`: each page names the next URL.',
      default: 'none',
    }),
    pageParam: QueryParam('Page parameter', 'Query parameter carrying the page number (mode page).', 'page'),
    firstPage: Type.Integer({ title: 'First page', description: 'Number of the first page (mode page).', minimum: 0, maximum: 1, default: 1 }),
    offsetParam: QueryParam('Offset parameter', 'Query parameter carrying the offset (mode offset).', 'offset'),
    sizeParam: QueryParam('Page size parameter', 'Query parameter carrying the page size (modes page and offset).', 'limit'),
    pageSize: Type.Integer({ title: 'Page size', minimum: 1, maximum: 10_000, default: 100 }),
    nextLink: Type.Optional(
      Expression({
        title: 'Next link',
        description: 'JSONata over a page body (response headers in `$headers`) giving the next URL; nothing ends the sync (mode next-link).',
      }),
    ),
    crossOrigin: Type.Boolean({
      title: 'Follow links to other origins',
      description: 'A next link to another origin (scheme, host, port) than the configured URL ends the poll with an error unless this is on; the credential is never sent there.',
      default: false,
    }),
    maxPages: Type.Integer({ title: 'Max pages', description: 'Pages one poll may read at most; a guard against endless pagination.', minimum: 1, maximum: 100_000, default: 1_000 }),
  },
  { title: 'Pagination', additionalProperties: false, default: {}, ...requiredWhen('mode', ['next-link'], ['nextLink']) },
);

const CursorSchema = Type.Object(
  {
    param: Type.String({ title: 'Cursor parameter', description: 'Query parameter that asks for changes since the cursor, e.g. `updatedSince`.', pattern: QUERY_PARAM_PATTERN }),
    value: Expression({ title: 'Cursor value', description: 'JSONata over one record giving its cursor value, e.g. `updatedAt`; the largest seen becomes the cursor.' }),
    initial: Type.Optional(Type.String({ title: 'Initial cursor', description: 'Sent on the very first poll instead of doing a full sync, e.g. `2024-01-01T00:00:00Z`.', maxLength: 200 })),
  },
  { title: 'Incremental sync', additionalProperties: false },
);

export const spec = defineSpec({
  type: 'http-poll',
  category: 'source',
  title: 'HTTP poll',
  keywords: ['http', 'poll', 'rest', 'api', 'sync', 'pagination', 'incremental', 'cursor', 'fetch'],
  docs: [
    'Polls a REST endpoint with `GET` every `intervalMs` and emits one message per record. The first poll is a',
    'full sync through every page; once a `cursor` is set, later polls ask only for what changed since.',
    '',
    '**Config**',
    '- `url`: an absolute `http(s)` URL, fixed query parameters included. `headers`: fixed request headers.',
    "- `urlFrom` (instead of `url`): JSONata giving that URL, evaluated when each poll starts — e.g.",
    "  `$env('CRM_URL') & '/customers'`, so changing the flow variable moves the poll without a redeploy.",
    '- `credential`: an http-basic, http-bearer or http-header credential.',
    '- `intervalMs`: time between polls (default 60 000).',
    '- `records`: JSONata over a page body locating its array of records, e.g. `data` (default `$`).',
    '- `recordKey`: JSONata over a record giving its identity (default `id`). `recordVersion`: JSONata giving its',
    '  version, e.g. `updatedAt`; when omitted, a hash of the record\'s content. Key and version make the',
    '  message id, so an unchanged record polled again is a duplicate and goes no further.',
    '- `pagination.mode`: `none` (default); `page` sends `pageParam` (from `firstPage`) and `sizeParam`; `offset`',
    '  sends `offsetParam` and `sizeParam`; both stop at a page shorter than `pageSize`. `next-link` follows the',
    '  URL that `nextLink` gives (JSONata over the body, response headers in `$headers`) until it gives none.',
    '  `maxPages` bounds one poll; a poll cut short there leaves the cursor where it was (and logs a warning).',
    '- `cursor` (optional): `param` is the query parameter asking for changes, e.g. `updatedSince`; `value` is',
    '  JSONata over a record giving its cursor, e.g. `updatedAt`. After a poll completes, the largest value seen',
    '  (numbers by value, strings in order: use UTC ISO timestamps) is kept in Redis and sent on the next poll.',
    '',
    '**Ports**: `out` — one message per record, with `sync` (`full`/`incremental`), `page` and `url` in its attributes.',
    '',
    '**Guarantees**: progress (next page, cursor) is persisted after each page, so a crash or a restart resumes',
    'where the poll stopped and the cursor survives. One poll runs at a time: a tick while one is under way starts none.',
    'While the flow is at its backlog limit, polling waits. A record is let through once per key and version',
    'for 7 days (the engine\'s `doneMarkersSec`).',
  ].join('\n'),
  configSchema: Type.Object(
    {
      url: Type.Optional(Type.String({ title: 'URL', description: 'Absolute http(s) URL to GET, with any fixed query parameters.', pattern: HTTP_URL_PATTERN, maxLength: 2048 })),
      urlFrom: Type.Optional(
        Expression({
          title: 'URL expression',
          description: "JSONata giving the URL instead of `url`, read at each poll, e.g. `$env('CRM_URL') & '/customers'`.",
        }),
      ),
      intervalMs: Type.Integer({ title: 'Interval (ms)', description: 'Time between polls.', minimum: 1_000, maximum: 31 * 86_400_000, default: 60_000 }),
      credential: Type.Optional(HttpCredential()),
      headers: FixedHeaders(),
      records: Expression({ title: 'Records', description: 'JSONata over a page body locating its array of records, e.g. `data.items`.', default: '$' }),
      recordKey: Expression({ title: 'Record key', description: 'JSONata over a record giving its identity.', default: 'id' }),
      recordVersion: Type.Optional(
        Expression({ title: 'Record version', description: 'JSONata over a record giving its version, e.g. `updatedAt`; omitted: a hash of its content.' }),
      ),
      pagination: PaginationSchema,
      cursor: Type.Optional(CursorSchema),
    },
    // Without `urlFrom`, `url` is required.
    { additionalProperties: false, if: { properties: { urlFrom: false } }, then: { properties: { url: {} }, required: ['url'] } },
  ),
  ports: { inputs: [], outputs: SINGLE_OUTPUT },
  credentialTypes: HTTP_CREDENTIAL_TYPES,
});

export type HttpPollConfig = ConfigOf<typeof spec>;
