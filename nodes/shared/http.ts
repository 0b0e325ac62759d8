/**
 * HTTP fields shared by the nodes that speak HTTP (http-request, saga actions, http-poll,
 * webhook), so methods, headers and credentials look and behave the same everywhere.
 */
import { Type, type SchemaOptions } from '@sinclair/typebox';
import { CredentialRef, Expression } from '../fields';
import { HTTP_CREDENTIAL_TYPES } from '../../contracts/credentials';
import { Choice, HEADER_NAME_PATTERN } from './schema';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const HttpMethod = (options: SchemaOptions & { default?: (typeof HTTP_METHODS)[number] } = {}) =>
  Choice(HTTP_METHODS, { title: 'Method', ...options });

/** Credentials an outgoing HTTP call can use: basic auth, a bearer token, or one named header. */
export { HTTP_CREDENTIAL_TYPES };

export const HttpCredential = (options: { title?: string; description?: string } = {}) =>
  CredentialRef(HTTP_CREDENTIAL_TYPES, {
    description: 'A stored http-basic, http-bearer or http-header credential, added to every request.',
    ...options,
  });

/**
 * An absolute http(s) URL without user info (credentials belong in a credential, not the flow)
 * and without a fragment.
 */
export const HTTP_URL_PATTERN = '^https?://([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?([/?][^\\s#]*)?$';

/** Header name → JSONata expression giving its value (a constant is written in quotes). */
export const ExpressionHeaders = (options: { title?: string; description?: string } = {}) =>
  Type.Record(Type.String({ pattern: HEADER_NAME_PATTERN }), Expression(), {
    title: 'Headers',
    description: 'Header name → JSONata over the message; write a constant in quotes: `"application/json"`.',
    ...options,
    additionalProperties: false,
    maxProperties: 50,
    default: {},
  });

/** Header name → fixed value, for requests that no message drives (polling). */
export const FixedHeaders = (options: { title?: string; description?: string } = {}) =>
  Type.Record(Type.String({ pattern: HEADER_NAME_PATTERN }), Type.String({ maxLength: 4096, pattern: '^[^\\r\\n]*$' }), {
    title: 'Headers',
    description: 'Header name → value. Secrets belong in the credential, not here.',
    ...options,
    additionalProperties: false,
    maxProperties: 50,
    default: {},
  });

/** One HTTP call driven by a message: a saga step's action or compensation. */
export const HttpActionSchema = Type.Object(
  {
    method: HttpMethod({ default: 'POST' }),
    url: Expression({ title: 'URL', description: 'JSONata giving the URL; a fixed URL is written in quotes: `"https://inventory.example/reserve"`.' }),
    headers: ExpressionHeaders(),
    body: Type.Optional(Expression({ title: 'Body', description: 'JSONata giving the body (sent as JSON; a string as text). Omit to send none.' })),
    credential: Type.Optional(HttpCredential()),
  },
  { additionalProperties: false },
);
