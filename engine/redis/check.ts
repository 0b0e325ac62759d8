import { RedisConnection } from 'bullmq';

/**
 * The one method the checks need; an ioredis `Redis` or `Cluster` fits, and so does a test fake.
 */
export interface RedisCommandRunner {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/** What {@link assertRedisReady} found on a server it accepted. */
export interface RedisReadiness {
  /** Always `noeviction` once accepted. */
  maxmemoryPolicy: string;
  /** Where the policy was read: CONFIG, or INFO when CONFIG is disabled (managed Redis). */
  policySource: 'CONFIG GET' | 'INFO memory';
  /** `redis_version` from INFO server (Valkey reports its Redis-compatible version there). */
  version: string;
  /** Things worth logging that don't stop us, e.g. a version below the recommended one. */
  warnings: string[];
}

/** Thrown when the Redis server can't safely carry Tributary's queues. */
export class RedisNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisNotReadyError';
  }
}

/** The oldest Redis BullMQ runs on at all (`RedisConnection.minimumVersion`, 5.0.0 in BullMQ 6). */
export const MINIMUM_REDIS_VERSION = RedisConnection.minimumVersion;
/** Below this BullMQ warns (`RedisConnection.recommendedMinimumVersion`, 6.2.0 in BullMQ 6). */
export const RECOMMENDED_REDIS_VERSION = RedisConnection.recommendedMinimumVersion;

/**
 * Refuses to go on unless the server keeps every key until it is deleted or expires
 * (`maxmemory-policy noeviction`) and is a Redis version BullMQ 6 supports. Call it once at
 * startup, before any queue or worker is created.
 *
 * Reads the policy with `CONFIG GET`; where CONFIG is disabled or renamed (managed Redis services
 * do that), from `INFO memory` instead.
 *
 * @throws RedisNotReadyError saying what is wrong, why it matters and how to fix it.
 */
export async function assertRedisReady(connection: RedisCommandRunner): Promise<RedisReadiness> {
  const serverInfo = parseInfo(String(await connection.call('INFO', 'server')));
  const version = serverInfo.get('redis_version');
  const warnings: string[] = [];
  if (version === undefined) {
    warnings.push('INFO server reports no redis_version; the Redis version check was skipped.');
  } else if (compareVersions(version, MINIMUM_REDIS_VERSION) < 0) {
    throw new RedisNotReadyError(
      `Redis ${version} is too old: BullMQ 6 needs Redis ${MINIMUM_REDIS_VERSION} or newer ` +
        `(${RECOMMENDED_REDIS_VERSION}+ recommended). Upgrade the Redis server.`,
    );
  } else if (compareVersions(version, RECOMMENDED_REDIS_VERSION) < 0) {
    warnings.push(`Redis ${version} works, but BullMQ recommends ${RECOMMENDED_REDIS_VERSION} or newer.`);
  }

  const { policy, source } = await readMaxmemoryPolicy(connection);
  if (policy !== 'noeviction') {
    throw new RedisNotReadyError(
      `Redis maxmemory-policy is '${policy}', but Tributary needs 'noeviction'. ` +
        'BullMQ keeps queued jobs, their locks and the idempotency markers as ordinary Redis keys; under any ' +
        'other policy Redis may silently evict them when memory runs short, and messages would be lost ' +
        'without an error. Fix: run `CONFIG SET maxmemory-policy noeviction` (then `CONFIG REWRITE` to keep it ' +
        'across restarts), or set `maxmemory-policy noeviction` in redis.conf; on a managed Redis, choose ' +
        'noeviction in its configuration settings.',
    );
  }
  return { maxmemoryPolicy: policy, policySource: source, version: version ?? 'unknown', warnings };
}

async function readMaxmemoryPolicy(
  connection: RedisCommandRunner,
): Promise<{ policy: string; source: RedisReadiness['policySource'] }> {
  let configError: unknown;
  try {
    const reply = await connection.call('CONFIG', 'GET', 'maxmemory-policy');
    // CONFIG GET answers [name, value] (RESP2) — or a map on RESP3 clients.
    const value = Array.isArray(reply) ? reply[1] : (reply as Record<string, unknown> | null)?.['maxmemory-policy'];
    if (typeof value === 'string' && value !== '') return { policy: value, source: 'CONFIG GET' };
    configError = new Error('CONFIG GET maxmemory-policy returned nothing');
  } catch (err) {
    configError = err;
  }
  try {
    const policy = parseInfo(String(await connection.call('INFO', 'memory'))).get('maxmemory_policy');
    if (policy) return { policy, source: 'INFO memory' };
  } catch {
    // reported below together with the CONFIG failure
  }
  throw new RedisNotReadyError(
    `Could not read Redis's maxmemory-policy: CONFIG GET failed (${errorMessage(configError)}) and INFO memory ` +
      "has no maxmemory_policy field. Tributary refuses to start without knowing that it is 'noeviction', " +
      'because any other policy may silently evict queued jobs and lose messages.',
  );
}

/** `INFO` text (`key:value` lines, `#` section headers) as a map. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Compares dotted numeric versions (`7.0.15` vs `5.0.0`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
