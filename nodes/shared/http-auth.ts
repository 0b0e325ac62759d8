/**
 * Turns a named HTTP credential into the header that carries it, the same way for every node that
 * speaks HTTP (http-request, saga actions, http-poll). The secret goes into the returned header
 * only: callers never log or trace it.
 */
import { HTTP_CREDENTIAL_TYPES, type HttpCredentialType } from '../../contracts/credentials';
import type { Credential, Credentials } from '../runtime';

export type { HttpCredentialType };

/**
 * The header for the credential called `name`, and every string that would give the credential
 * away if it showed up in an error or a log (the header value as sent, the raw secret): a node
 * quoting what the other side answered redacts them, since a receiver may echo what it got.
 */
export async function credentialAuth(credentials: Credentials, name: string): Promise<{ header: [string, string]; secrets: string[] }> {
  const credential = await credentials.get(name, [...HTTP_CREDENTIAL_TYPES]);
  const header = headerOf(credential);
  return { header, secrets: secretsOf(credential, header[1]) };
}

function secretsOf(credential: Extract<Credential, { type: HttpCredentialType }>, sent: string): string[] {
  switch (credential.type) {
    case 'http-basic':
      return [sent, sent.slice('Basic '.length), credential.password];
    case 'http-bearer':
      return [sent, credential.token];
    case 'http-header':
      return [credential.value];
  }
}

function headerOf(credential: Extract<Credential, { type: HttpCredentialType }>): [string, string] {
  switch (credential.type) {
    case 'http-basic':
      return ['Authorization', `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`];
    case 'http-bearer':
      return ['Authorization', `Bearer ${credential.token}`];
    case 'http-header':
      return [credential.name, credential.value];
  }
}

/** Sets a header, replacing any other spelling of the same name (header names are case-insensitive). */
export function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (const existing of Object.keys(headers)) if (existing.toLowerCase() === lower) delete headers[existing];
  headers[name] = value;
}
