/**
 * Schema builders for config fields with a meaning beyond their JSON type. Each marks itself
 * with a `format` that validation checks and the editor renders with the right widget.
 */
import { Type } from '@sinclair/typebox';
import type { CredentialType } from './spec';

export { Expression } from '../flows/schema';

/** The name of a credential of the given kind (never the secret itself). */
export const CredentialRef = (kind: CredentialType | readonly CredentialType[], options: { title?: string; description?: string } = {}) =>
  Type.String({
    title: 'Credential',
    description: 'Name of a stored credential; secrets never live in the flow.',
    ...options,
    format: 'credential',
    'x-credential-types': typeof kind === 'string' ? [kind] : [...kind],
    pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  });

/** A JSON Schema written by the user (checked as a schema by validation via `x-user-schema`, compiled once per deploy). */
export const UserJsonSchema = (options: { title?: string; description?: string } = {}) =>
  Type.Record(Type.String(), Type.Unknown(), { ...options, 'x-user-schema': true });
