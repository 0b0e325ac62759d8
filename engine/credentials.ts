/**
 * Named credentials, kept in Redis (so a worker on another machine needs only `REDIS_URL` and the
 * secret key) and encrypted there with AES-256-GCM under a key derived from `TRIBUTARY_SECRET`.
 * The name is bound into each ciphertext as associated data, so an entry copied under another
 * name fails to decrypt. Only a node that names a credential ever sees its secret.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PermanentError } from '../nodes/errors';
import type { Credential, Credentials } from '../nodes/runtime';
import type { Keys } from './keys';
import type { CredentialInfo } from '../contracts/credentials';

interface Sealed {
  type: Credential['type'];
  iv: string;
  tag: string;
  data: string;
  updatedAt: number;
}

/** The fields of a credential that are secret (names, usernames and header names are not). */
const SECRET_FIELDS = ['password', 'token', 'value'] as const;

export type { CredentialInfo } from '../contracts/credentials';

export class CredentialStore implements Credentials {
  readonly #key: Buffer;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    secret: string,
    /** Called after a credential is stored, so traces start redacting it at once. */
    private readonly onChange: () => Promise<void> = async () => undefined,
  ) {
    if (secret.length < 16) throw new Error('TRIBUTARY_SECRET must be at least 16 characters');
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'tributary', 'credentials/v1', 32));
  }

  async put(name: string, credential: Credential): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(name));
    const data = Buffer.concat([cipher.update(JSON.stringify(credential), 'utf8'), cipher.final()]);
    const sealed: Sealed = { type: credential.type, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64'), updatedAt: Date.now() };
    await this.redis.hset(this.keys.credentials(), name, JSON.stringify(sealed));
    await this.onChange();
  }

  async delete(name: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.credentials(), name)) === 1;
  }

  /** Names and types only: secrets never leave through a listing. */
  async list(): Promise<CredentialInfo[]> {
    const all = await this.redis.hgetall(this.keys.credentials());
    return Object.entries(all)
      .map(([name, json]) => {
        const { type, updatedAt } = JSON.parse(json) as Sealed;
        return { name, type, updatedAt };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async get<T extends Credential['type']>(name: string, type: T | T[]): Promise<Extract<Credential, { type: T }>> {
    const json = await this.redis.hget(this.keys.credentials(), name);
    if (json === null) throw new PermanentError(`credential "${name}" does not exist`, { code: 'CREDENTIAL_MISSING' });
    const sealed = JSON.parse(json) as Sealed;
    const wanted = Array.isArray(type) ? type : [type];
    if (!wanted.includes(sealed.type as T)) {
      throw new PermanentError(`credential "${name}" is of type ${sealed.type}; this node needs ${wanted.join(' or ')}`, { code: 'CREDENTIAL_TYPE' });
    }
    return this.#open(name, sealed) as Extract<Credential, { type: T }>;
  }

  #open(name: string, sealed: Sealed): Credential {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(plain) as Credential;
    } catch {
      throw new PermanentError(`credential "${name}" can't be decrypted: was TRIBUTARY_SECRET changed?`, { code: 'CREDENTIAL_KEY' });
    }
  }

  /** Every secret value, so that traces and logs can redact them wherever they appear. */
  async secretValues(): Promise<string[]> {
    const values: string[] = [];
    // One read of the hash, not one per credential: this runs every few seconds in every process.
    for (const [name, json] of Object.entries(await this.redis.hgetall(this.keys.credentials()))) {
      let credential: Credential;
      try {
        credential = this.#open(name, JSON.parse(json) as Sealed);
      } catch {
        continue;
      }
      for (const field of SECRET_FIELDS) {
        const value = (credential as Record<string, unknown>)[field];
        if (typeof value === 'string') values.push(value);
      }
    }
    return values;
  }
}
