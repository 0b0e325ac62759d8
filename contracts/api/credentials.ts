/** Credentials over the API: bodies and listings come from the shared credential contract. */
import { Type, type Static } from '@sinclair/typebox';
import { Choice } from '../choice';
import { CREDENTIAL_TYPES } from '../credentials';

export { CredentialBodies, CredentialBody, CredentialInfoSchema, type Credential, type CredentialInfo } from '../credentials';

/** What storing a credential answers: never the secret. */
export const CredentialStoredSchema = Type.Object({ name: Type.String(), type: Choice(CREDENTIAL_TYPES) });
export type CredentialStored = Static<typeof CredentialStoredSchema>;
