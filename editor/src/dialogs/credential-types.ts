/** The fields each credential type asks for; one of them is the secret (write-only). */
import { KAFKA_SASL_MECHANISMS, type CredentialType } from '../../../contracts/credentials';

export interface CredentialForm {
  /** Plain fields, shown back when replacing (the server never returns them, so they start empty). */
  fields: Array<{ key: string; label: string; options?: string[] }>;
  secret: { key: string; label: string };
}

export const CREDENTIAL_FORMS: { readonly [T in CredentialType]: CredentialForm } = {
  'http-bearer': { fields: [], secret: { key: 'token', label: 'Bearer token' } },
  'http-basic': { fields: [{ key: 'username', label: 'Username' }], secret: { key: 'password', label: 'Password' } },
  'http-header': { fields: [{ key: 'name', label: 'Header name' }], secret: { key: 'value', label: 'Header value' } },
  'kafka-sasl': {
    fields: [
      { key: 'mechanism', label: 'Mechanism', options: [...KAFKA_SASL_MECHANISMS] },
      { key: 'username', label: 'Username' },
    ],
    secret: { key: 'password', label: 'Password' },
  },
};

export const CREDENTIAL_TYPE_NAMES = Object.keys(CREDENTIAL_FORMS) as CredentialType[];
