import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { assertRedisReady, RedisNotReadyError } from './check';
import { createRedisConnection } from './connection';
import { type PrivateRedis, type PrivateRedisOptions, RedisServerMissingError, startPrivateRedis } from './private-server';
import { STATE_FILE } from './server-state';
import { DEFAULT_MEMORY_LIMIT_BYTES } from './memory-guard';

// These tests start their own servers: they reconfigure and kill them, which the run's shared
// test Redis must never see.
const dirs: string[] = [];
const servers: PrivateRedis[] = [];
const clients: Redis[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-private-redis-'));
  dirs.push(dir);
  return dir;
}

async function start(opts: Partial<PrivateRedisOptions> = {}): Promise<PrivateRedis> {
  const server = await startPrivateRedis({ dir: tempDir(), persist: false, detached: false, ...opts });
  servers.push(server);
  return server;
}

function client(server: PrivateRedis): Redis {
  const redis = createRedisConnection(server.url);
  clients.push(redis);
  return redis;
}

async function config(redis: Redis, name: string): Promise<string | undefined> {
  const [, value] = (await redis.config('GET', name)) as string[];
  return value;
}

/** The AOF files' contents (Redis 7 keeps them in appendonlydir/, older ones in appendonly.aof). */
function aofText(dir: string): string {
  const aofDir = join(dir, 'appendonlydir');
  const files = existsSync(aofDir)
    ? readdirSync(aofDir).map((f) => join(aofDir, f))
    : [join(dir, 'appendonly.aof')].filter((f) => existsSync(f));
  return files.map((f) => readFileSync(f, 'latin1')).join('\n');
}

describe('startPrivateRedis', () => {
  describe('when persisted', () => {
    it('writes an AOF into its dir, fsynced every second', async () => {
      const server = await start({ persist: true });
      const redis = client(server);
      await redis.set('order:1', 'accepted');

      // Redis appends to the AOF before it replies; fsync follows within a second.
      expect(aofText(server.dir)).toContain('order:1');
      expect(await config(redis, 'appendonly')).toBe('yes');
      expect(await config(redis, 'appendfsync')).toBe('everysec');
    });

    it('fsyncs every write when asked for appendfsync always', async () => {
      const server = await start({ persist: true, appendfsync: 'always' });
      expect(await config(client(server), 'appendfsync')).toBe('always');
    });

    it('keeps its data across stop and restart, on the same port', async () => {
      const server = await start({ persist: true });
      await client(server).set('kept', 'yes');
      const { port, pid } = server;

      await server.stop();
      expect(server.running).toBe(false);
      expect(existsSync(join(server.dir, STATE_FILE))).toBe(false);
      await server.restart();

      expect(server.port).toBe(port);
      expect(server.pid).not.toBe(pid);
      expect(await client(server).get('kept')).toBe('yes');
    });

    it('keeps what it acknowledged when its process is killed', async () => {
      const server = await start({ persist: true });
      await client(server).set('acked', 'before the crash');

      await server.kill('SIGKILL');
      expect(server.running).toBe(false);
      await server.restart();

      expect(await client(server).get('acked')).toBe('before the crash');
    });
  });

  describe('when not persisted', () => {
    it('writes nothing to disk and forgets its data on restart', async () => {
      const server = await start();
      const redis = client(server);
      await redis.set('gone', 'soon');
      expect(await config(redis, 'appendonly')).toBe('no');

      await server.restart();

      expect(await client(server).get('gone')).toBeNull();
      expect(readdirSync(server.dir).sort()).toEqual(['redis-server.log', STATE_FILE].sort());
    });
  });

  it('listens on loopback only, with the settings BullMQ needs', async () => {
    const server = await start();
    const redis = client(server);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);
    expect(await config(redis, 'bind')).toBe('127.0.0.1');
    expect(await config(redis, 'protected-mode')).toBe('yes');
    expect(await config(redis, 'maxmemory-policy')).toBe('noeviction');
    expect(Number(await config(redis, 'maxmemory'))).toBe(DEFAULT_MEMORY_LIMIT_BYTES);
    expect(await config(redis, 'save')).toBe('');
    const info = await redis.info('server');
    expect(info).toContain(`process_id:${server.pid}\r\n`);
  });

  describe('when redis-server is missing', () => {
    it('says how to install it', async () => {
      const attempt = startPrivateRedis({ dir: tempDir(), persist: false, redisServer: '/nonexistent/redis-server' });
      await expect(attempt).rejects.toBeInstanceOf(RedisServerMissingError);
      await expect(attempt).rejects.toThrow(/apt-get install -y redis-server/);
    });
  });

  describe('when the requested port is taken', () => {
    let blocker: Server | undefined;
    afterEach(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

    it('fails with what redis-server said', async () => {
      // Whatever holds the port hangs up on anyone; a silent holder would keep close() waiting.
      blocker = createServer((socket) => socket.destroy());
      const port = await new Promise<number>((resolve) => {
        blocker?.listen(0, '127.0.0.1', () => {
          const address = blocker?.address();
          resolve(typeof address === 'object' && address ? address.port : 0);
        });
      });
      await expect(start({ port })).rejects.toThrow(/Address already in use/i);
    });
  });

  describe('when a previous run left its server behind', () => {
    it('stops it cleanly when its owner is dead, and starts afresh on the same data', async () => {
      const dir = tempDir();
      const orphan = await startPrivateRedis({ dir, persist: true, detached: false });
      servers.push(orphan);
      await client(orphan).set('from', 'the crashed run');
      // Make the owner a process that has exited, as after a crashed `npm start`.
      const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
      const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(dir, STATE_FILE), JSON.stringify({ ...state, ownerPid: deadPid }));
      const lines: string[] = [];

      const fresh = await startPrivateRedis({ dir, persist: true, detached: false, log: (l) => lines.push(l) });
      servers.push(fresh);

      expect(orphan.running).toBe(false);
      expect(fresh.pid).not.toBe(orphan.pid);
      expect(lines.join('\n')).toMatch(new RegExp(`stopping redis-server pid ${orphan.pid}`));
      expect(await client(fresh).get('from')).toBe('the crashed run');
    });

    it('refuses to start a second server while the owner of the first still runs', async () => {
      const dir = tempDir();
      const first = await startPrivateRedis({ dir, persist: true, detached: false });
      servers.push(first);

      await expect(startPrivateRedis({ dir, persist: true, detached: false })).rejects.toThrow(/is in use/);
      expect(first.running).toBe(true);
    });
  });
});

describe('assertRedisReady', () => {
  it('accepts a server with maxmemory-policy noeviction', async () => {
    const redis = client(await start());
    const readiness = await assertRedisReady(redis);
    expect(readiness).toMatchObject({ maxmemoryPolicy: 'noeviction', policySource: 'CONFIG GET' });
    expect(readiness.version).toMatch(/^\d+\.\d+/);
  });

  it('refuses a server whose policy may evict, saying why and how to fix it', async () => {
    const redis = client(await start());
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');

    const attempt = assertRedisReady(redis);
    await expect(attempt).rejects.toBeInstanceOf(RedisNotReadyError);
    await expect(attempt).rejects.toThrow(/maxmemory-policy is 'allkeys-lru'/);
    await expect(attempt).rejects.toThrow(/silently evict .* messages would be lost/);
    await expect(attempt).rejects.toThrow(/CONFIG SET maxmemory-policy noeviction/);
    await expect(attempt).rejects.toThrow(/redis\.conf/);
  });

  describe('when CONFIG is disabled, as on managed Redis', () => {
    const withoutConfig = ['--rename-command', 'CONFIG', ''];

    it('reads the policy from INFO memory', async () => {
      const redis = client(await start({ extraArgs: withoutConfig }));
      await expect(redis.config('GET', 'maxmemory-policy')).rejects.toThrow(/unknown command/i);
      await expect(assertRedisReady(redis)).resolves.toMatchObject({ policySource: 'INFO memory' });
    });

    it('still refuses an evicting policy', async () => {
      const redis = client(await start({ extraArgs: [...withoutConfig, '--maxmemory-policy', 'volatile-lru'] }));
      await expect(assertRedisReady(redis)).rejects.toThrow(/maxmemory-policy is 'volatile-lru'/);
    });
  });

  describe('when the server is older than BullMQ supports', () => {
    const fake = (version: string) => ({
      call: async (command: string, ...args: string[]) => {
        if (command === 'INFO' && args[0] === 'server') return `# Server\r\nredis_version:${version}\r\n`;
        if (command === 'CONFIG') return ['maxmemory-policy', 'noeviction'];
        throw new Error(`unexpected ${command}`);
      },
    });

    it('refuses Redis below 5.0.0', async () => {
      await expect(assertRedisReady(fake('4.0.14'))).rejects.toThrow(/Redis 4\.0\.14 is too old: BullMQ 6 needs Redis 5\.0\.0/);
    });

    it('accepts Redis below 6.2 with a warning', async () => {
      const readiness = await assertRedisReady(fake('6.0.16'));
      expect(readiness.warnings.join(' ')).toMatch(/recommends 6\.2\.0/);
    });
  });
});
