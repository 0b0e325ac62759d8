/**
 * What the editor-scale benchmark runs against: a private redis-server (no persistence, a free
 * loopback port, never 6379), a real engine and the API server with its live relay, serving the
 * built editor — the same parts `npm start` wires together, in this process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { Engine } from '../../engine/engine';
import { createLogger } from '../../engine/logger';
import { startPrivateRedis, type PrivateRedis } from '../../engine/redis/private-server';
import { nodeCatalogue } from '../../nodes/catalogue';
import { RUNTIMES } from '../../nodes/runtimes';
import { ATTACHMENTS } from '../../server/attachments';
import { startApiServer, type ApiServer } from '../../server/http-server';
import { createServerContext } from '../../server/server-context';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EDITOR_DIST = join(ROOT, 'editor', 'dist');

export interface Stack {
  readonly url: string;
  readonly engine: Engine;
  readonly redis: PrivateRedis;
  /** fetch against the API with a JSON body; throws on a status outside 2xx. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** Builds editor/dist when it is missing or older than its sources (what `npm start` does). */
export function buildEditorIfStale(): void {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-editor.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`building the editor failed (exit ${result.status ?? result.signal})`);
}

/** @param editorDir the built editor to serve (default editor/dist). */
export async function startStack(editorDir = EDITOR_DIST): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  const redis = await startPrivateRedis({ dir: join(dir, 'redis'), persist: false, detached: false });
  if (redis.port === 6379) {
    await redis.stop();
    throw new Error('the bench redis-server landed on 6379, the shared port; refusing to run');
  }
  let engine: Engine | undefined;
  let server: ApiServer | undefined;
  try {
    engine = await Engine.start({
      redisUrl: redis.url,
      prefix: 'bench',
      catalogue: nodeCatalogue,
      runtimes: RUNTIMES,
      secret: 'bench-secret-not-for-production',
      dataDir: dir,
      logger: createLogger({ level: 'warn' }),
    });
    const ctx = createServerContext(engine, dir);
    server = await startApiServer(ctx, { host: '127.0.0.1', port: 0, editorDir }, ATTACHMENTS);
  } catch (error) {
    await engine?.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const url = server.url;
  const running = { engine, server };
  return {
    url,
    engine,
    redis,
    async api<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${url}${path}`, {
        method,
        ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async close() {
      await running.server.close();
      await running.engine.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
