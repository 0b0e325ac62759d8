/**
 * Configuration from the environment, with the defaults a newcomer needs: everything lives in
 * one data directory, a secret key is generated there on first start, and the API listens on
 * loopback only.
 */
import { DEFAULT_MEMORY_LIMIT_BYTES } from '../engine/redis/memory-guard';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isLoopback, LOOPBACK_OUTBOUND_ALLOW } from './loopback';
import { SHUTDOWN_GRACE_MS } from './shutdown';

export interface TributaryConfig {
  dataDir: string;
  /** Redis to use; when unset `npm start` runs a private redis-server in the data directory. */
  redisUrl?: string;
  /** The private Redis's `maxmemory`, bytes (`TRIBUTARY_REDIS_MAXMEMORY`, default 1 GiB). */
  redisMaxmemory: number;
  /** Intake sheds past this many bytes of an external Redis without `maxmemory` (`TRIBUTARY_REDIS_MEMORY_LIMIT`, default 1 GiB). */
  redisMemoryLimit: number;
  secret: string;
  host: string;
  port: number;
  prefix: string;
  /** Required when `host` isn't loopback (`TRIBUTARY_TOKEN`). */
  token?: string;
  /** Origins allowed to call the API from a browser besides its own (`TRIBUTARY_CORS_ORIGINS`, comma-separated). */
  corsOrigins: string[];
  /** Outbound-HTTP allow-list (`TRIBUTARY_OUTBOUND_ALLOW`, comma-separated CIDRs or hosts). */
  outboundAllow: string[];
  /** How long a SIGTERM/SIGINT shutdown may take before it is forced (`TRIBUTARY_SHUTDOWN_GRACE_MS`, default 10 000). */
  shutdownGraceMs: number;
}

/** Reads the key that encrypts credentials: `TRIBUTARY_SECRET`, else `<data>/secret.key`, made once. */
export function loadSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRIBUTARY_SECRET) return env.TRIBUTARY_SECRET;
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
}

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TributaryConfig {
  const dataDir = resolve(env.TRIBUTARY_DATA ?? '.tributary');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const port = Number(env.PORT ?? 8400);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, not "${env.PORT}"`);
  const shutdownGraceMs = Number(env.TRIBUTARY_SHUTDOWN_GRACE_MS ?? SHUTDOWN_GRACE_MS);
  if (!Number.isInteger(shutdownGraceMs) || shutdownGraceMs <= 0) throw new Error(`TRIBUTARY_SHUTDOWN_GRACE_MS must be a positive number of milliseconds, not "${env.TRIBUTARY_SHUTDOWN_GRACE_MS}"`);
  const bytes = (name: string): number => {
    const value = Number(env[name] ?? DEFAULT_MEMORY_LIMIT_BYTES);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive number of bytes, not "${env[name]}"`);
    return value;
  };
  return {
    dataDir,
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    redisMaxmemory: bytes('TRIBUTARY_REDIS_MAXMEMORY'),
    redisMemoryLimit: bytes('TRIBUTARY_REDIS_MEMORY_LIMIT'),
    secret: loadSecret(dataDir, env),
    host: env.HOST ?? '127.0.0.1',
    port,
    prefix: env.TRIBUTARY_PREFIX ?? 'trib',
    ...(env.TRIBUTARY_TOKEN ? { token: env.TRIBUTARY_TOKEN } : {}),
    corsOrigins: list(env.TRIBUTARY_CORS_ORIGINS),
    // On loopback (the default) local services are what people integrate first, so loopback is
    // allowed; bound elsewhere, only what is configured.
    shutdownGraceMs,
    outboundAllow: env.TRIBUTARY_OUTBOUND_ALLOW !== undefined ? list(env.TRIBUTARY_OUTBOUND_ALLOW) : isLoopback(env.HOST ?? '127.0.0.1') ? [...LOOPBACK_OUTBOUND_ALLOW] : [],
  };
}
