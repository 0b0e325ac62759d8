/**
 * webhook — source. Receives HTTP requests at `/hooks/<flowId><path>` (served by the server).
 *
 * Ports:     (no inputs) → out
 * Emits:     one message per accepted request; payload = the body (JSON or form parsed, text as a
 *            string; the query object for GET), attrs `{ method, path, params, query, headers }`
 *            with the authorization, cookie, signature and credential headers stripped. Its id
 *            derives from the idempotency header when present, else a fresh id.
 * Answers:   202 `{ runId }` once the message is durably enqueued; 200 with the original run id
 *            for an idempotency key already accepted; with `respond: reply-node`, the run's
 *            http-reply (also to a repeat) within `replyTimeoutMs`, else 202 `{ runId }`; 401 when
 *            auth fails (or a configured signed timestamp is missing or stale); 403 for an untrusted
 *            cross-site browser request to a webhook without auth; 503 + Retry-After
 *            under back-pressure.
 * Transient: Redis unreachable (503, the caller retries).
 * Permanent: none after acceptance; bad requests are refused before anything is enqueued.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_OUTPUT } from '../../../flows/ports';
import { CredentialRef } from '../../fields';
import { Choice, HEADER_NAME_PATTERN, requiredWhen } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

/** `/orders`, `/shop/orders/:id`: safe segments, no dot-segments, no empty segment. */
export const WEBHOOK_PATH_PATTERN = '^(/(:[A-Za-z][A-Za-z0-9_]{0,39}|[A-Za-z0-9_~-]+(\\.[A-Za-z0-9_~-]+)*))+$';

const AuthSchema = Type.Object(
  {
    mode: Choice(['none', 'shared-secret', 'hmac'], {
      title: 'Mode',
      description: '`shared-secret`: the request must carry the credential\'s header and value. `hmac`: the body must be signed with the credential\'s value as key.',
      default: 'none',
    }),
    credential: Type.Optional(CredentialRef('http-header', { description: 'A stored http-header credential: its header and value (shared-secret), or its value as the HMAC key.' })),
    signatureHeader: Type.String({
      title: 'Signature header',
      description: 'Header carrying the HMAC of the raw body (mode hmac); a `sha256=` or `sha512=` prefix is accepted.',
      pattern: HEADER_NAME_PATTERN,
      default: 'X-Signature',
    }),
    algorithm: Choice(['sha256', 'sha512'], { title: 'HMAC algorithm', default: 'sha256' }),
    encoding: Choice(['hex', 'base64'], { title: 'Signature encoding', default: 'hex' }),
    timestampHeader: Type.Optional(
      Type.String({
        title: 'Timestamp header',
        description: 'Header carrying the Unix time (seconds) the sender signed (mode hmac); the signature then covers `<timestamp>.<body>`, and requests outside the tolerance are refused.',
        pattern: HEADER_NAME_PATTERN,
      }),
    ),
    toleranceSec: Type.Integer({ title: 'Timestamp tolerance (s)', description: 'How far the signed timestamp may be from now, either way.', minimum: 1, maximum: 3600, default: 300 }),
  },
  {
    title: 'Authentication',
    additionalProperties: false,
    default: {},
    ...requiredWhen('mode', ['shared-secret', 'hmac'], ['credential']),
  },
);

export const spec = defineSpec({
  type: 'webhook',
  category: 'source',
  title: 'Webhook',
  keywords: ['webhook', 'http', 'endpoint', 'receive', 'callback', 'post', 'hmac'],
  docs: [
    'Receives HTTP requests at `/hooks/<flowId><path>` and starts a run for each.',
    '',
    '**Config**',
    '- `path`: starts with `/`; letters, digits, `-_.~`, and `:name` segments captured into `params` (e.g. `/orders/:id`).',
    '- `method`: `POST` (default), `PUT`, `PATCH`, `DELETE` or `GET`.',
    '- `auth`: `none` (default); `shared-secret` — the request must carry the header and value of an http-header',
    '  credential; `hmac` — `signatureHeader` must hold the HMAC (`algorithm`, `encoding`) of the raw body keyed',
    '  with the credential\'s value. Comparisons are constant-time.',
    '- `auth.timestampHeader` (hmac, recommended): the header with the Unix time in seconds the sender signed; the',
    '  signature then covers `<timestamp>.<body>` (as Stripe and Slack sign), and a request whose timestamp is',
    '  missing or more than `toleranceSec` (default 300) from now is refused. Without it a signed request stays',
    '  valid forever: anyone who captures one (a proxy log, a leaked trace) can replay it at any later time.',
    '  A replay inside the window is answered as a duplicate when the sender sends an idempotency key.',
    '- Browser requests from another site (`Sec-Fetch-Site: cross-site`, e.g. an `<img>` on any web page) are',
    '  refused with `403` by a webhook without auth, unless their `Origin` is in `TRIBUTARY_CORS_ORIGINS`.',
    '- `idempotencyHeader`: the request header whose value identifies a delivery (default `Idempotency-Key`).',
    '- `respond`: `on-accept` (default) answers `202 { runId }` once enqueued; `reply-node` makes the caller wait',
    '  for the status, headers and body an **http-reply** node of the run stores, up to `replyTimeoutMs`',
    '  (default 15 000), then `202 { runId }`. The message is enqueued before anything runs either way.',
    '',
    '**Ports**: `out` — payload is the body (for `GET`, the query); method, path, params, query and headers are in',
    'the message attributes, with authorization, cookie and secret headers removed.',
    '',
    '**Answers**: `202 { runId }` once the message is durably enqueued — nothing acknowledged is lost. The same',
    'idempotency key again answers `200` with the original run id and starts nothing. `401` when auth fails (or the',
    'signed timestamp is missing or stale); `403` for an untrusted cross-site browser request to a webhook without auth;',
    '`503` with `Retry-After` while the flow is over its backlog limit. With `respond: reply-node`, a repeat gets',
    'the stored reply; a repeat while the first run is still going waits out what is left of the first',
    "request's timeout, then gets `202` with the run id.",
  ].join('\n'),
  configSchema: Type.Object(
    {
      path: Type.String({ title: 'Path', description: 'Under `/hooks/<flowId>`, e.g. `/orders`.', pattern: WEBHOOK_PATH_PATTERN, maxLength: 200 }),
      method: Choice(['POST', 'PUT', 'PATCH', 'DELETE', 'GET'], { title: 'Method', default: 'POST' }),
      auth: AuthSchema,
      idempotencyHeader: Type.String({
        title: 'Idempotency header',
        description: 'Request header identifying a delivery; a repeated value answers with the original run.',
        pattern: HEADER_NAME_PATTERN,
        default: 'Idempotency-Key',
      }),
      respond: Choice(['on-accept', 'reply-node'], {
        title: 'Respond',
        description: '`on-accept`: 202 with the run id once enqueued. `reply-node`: wait for an http-reply node of the run, up to `replyTimeoutMs`.',
        default: 'on-accept',
      }),
      replyTimeoutMs: Type.Integer({
        title: 'Reply timeout (ms)',
        description: 'How long a caller waits for the reply (respond `reply-node`) before getting 202 with the run id.',
        minimum: 100,
        maximum: 120_000,
        default: 15_000,
      }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: [], outputs: SINGLE_OUTPUT },
  credentialTypes: ['http-header'],
});

export type WebhookConfig = ConfigOf<typeof spec>;
