/**
 * Named credentials as written to the API and kept by the engine: the types, the fields each
 * carries, which of them are secret. Written once here — the API's request schema, the runtimes'
 * `Credential` type, the node specs' credential references and the editor's forms all read it.
 * Pure TypeBox: safe for the editor.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Choice } from './choice';

export const HTTP_CREDENTIAL_TYPES = ['http-basic', 'http-bearer', 'http-header'] as const;
export type HttpCredentialType = (typeof HTTP_CREDENTIAL_TYPES)[number];

export const CREDENTIAL_TYPES = [...HTTP_CREDENTIAL_TYPES, 'kafka-sasl'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** The SASL mechanisms kafkajs speaks. */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** HTTP header names (RFC 9110 tokens). */
export const HEADER_NAME_PATTERN = "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$";

/** Text a header can carry: no control characters (a CR/LF would split the header). */
const HEADER_SAFE = '^[^\\u0000-\\u001f\\u007f]*$';
const secret = (description: string) => Type.String({ minLength: 1, maxLength: 4096, pattern: HEADER_SAFE, writeOnly: true, description });

/** Each type's body; `additionalProperties: false`, so a misspelt field is refused rather than ignored. */
export const CredentialBodies = {
  'http-basic': Type.Object(
    { type: Type.Literal('http-basic'), username: Type.String({ minLength: 1, maxLength: 256, pattern: '^[^:\\u0000-\\u001f\\u007f]*$' }), password: secret('the password') },
    { additionalProperties: false },
  ),
  'http-bearer': Type.Object({ type: Type.Literal('http-bearer'), token: secret('the bearer token') }, { additionalProperties: false }),
  'http-header': Type.Object(
    { type: Type.Literal('http-header'), name: Type.String({ pattern: HEADER_NAME_PATTERN, description: 'the header name' }), value: secret('the header value') },
    { additionalProperties: false },
  ),
  'kafka-sasl': Type.Object(
    {
      type: Type.Literal('kafka-sasl'),
      mechanism: Choice(KAFKA_SASL_MECHANISMS),
      username: Type.String({ minLength: 1, maxLength: 256, pattern: HEADER_SAFE }),
      password: secret('the SASL password'),
    },
    { additionalProperties: false },
  ),
} as const satisfies { readonly [T in CredentialType]: unknown };

/** A credential as written: one of the four types. Secrets are write-only: no response carries them. */
export const CredentialBody = Type.Union(Object.values(CredentialBodies), { description: 'a credential; its secret fields are write-only' });

/** A stored credential, decrypted only for the node that names it. Never logged or traced. */
export type Credential = Static<typeof CredentialBody>;

/** One row of `GET /api/credentials`: name and type, never a secret. */
export const CredentialInfoSchema = Type.Object(
  { name: Type.String(), type: Choice(CREDENTIAL_TYPES), updatedAt: Type.Integer({ description: 'when it was last stored, ms since the epoch' }) },
);
export type CredentialInfo = Static<typeof CredentialInfoSchema>;
