/**
 * http-request — sink. Sends one HTTP request per message, through the outbound-HTTP guard.
 *
 * Ports:     in → (no outputs; the response `{ status, headers, body }` is the node's traced result)
 * Emits:     nothing downstream.
 * Transient: timeouts, connection errors, 408, 429 (Retry-After honoured), 5xx; they count towards
 *            the circuit breaker.
 * Permanent: other 4xx, a refused address (outbound-HTTP policy), a failing expression, a URL
 *            that isn't http(s).
 * Delivery:  at least once; every request carries `Idempotency-Key` (the node's idempotency key),
 *            so the effect is exactly once wherever the receiver honours it.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { ExpressionHeaders, HTTP_CREDENTIAL_TYPES, HttpCredential, HttpMethod } from '../../shared/http';
import { QUERY_PARAM_PATTERN } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'http-request',
  category: 'sink',
  title: 'HTTP request',
  keywords: ['http', 'request', 'rest', 'api', 'post', 'webhook', 'call', 'send', 'deliver'],
  docs: [
    'Sends each message to an HTTP endpoint.',
    '',
    '**Config** — `url`, `headers`, `query` and `body` are JSONata over the payload (`$`):',
    '- `method`: `POST` (default), `PUT`, `PATCH`, `DELETE` or `GET`.',
    '- `url`: a fixed URL is written in quotes — `"https://analytics.example/api/data"`; a computed one',
    '  joins strings — `"https://crm.example/customers/" & id`.',
    '- `headers`, `query`: name → expression; a constant is written in quotes (`X-Tenant`: `"acme"`).',
    '- `body`: the body, default `$` (the payload). Sent as JSON (a string result as text) unless a',
    '  `Content-Type` header says otherwise; not sent for `GET` and `DELETE`.',
    '- `credential`: an http-basic, http-bearer or http-header credential (secrets never live in the flow).',
    '',
    '**Ports**: `in` only. A 2xx answer completes the message; its status, headers and body show in the trace.',
    '',
    '**Errors**: timeouts, connection errors, 408, 429 and 5xx are retried with backoff (`Retry-After` is',
    'honoured) and count towards the circuit breaker; other 4xx fail the message for good.',
    '',
    '**Guarantees**: at least once. Every request carries an `Idempotency-Key` header — the node\'s idempotency',
    'key, stable across retries — so a receiver that honours it applies each message exactly once.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      method: HttpMethod({ default: 'POST' }),
      url: Expression({ title: 'URL', description: 'JSONata giving the URL; a fixed URL is written in quotes: `"https://api.example/orders"`.' }),
      headers: ExpressionHeaders(),
      query: Type.Optional(
        Type.Record(Type.String({ pattern: QUERY_PARAM_PATTERN }), Expression(), {
          title: 'Query',
          description: 'Parameter name → JSONata giving its value (an array repeats the parameter).',
          additionalProperties: false,
          maxProperties: 50,
        }),
      ),
      body: Expression({ title: 'Body', description: 'JSONata giving the body; `$` sends the payload.', default: '$' }),
      credential: Type.Optional(HttpCredential()),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: [] },
  credentialTypes: HTTP_CREDENTIAL_TYPES,
});

export type HttpRequestConfig = ConfigOf<typeof spec>;
