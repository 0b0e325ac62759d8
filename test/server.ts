/**
 * Server tests: a real API server on a free loopback port, over a real engine on the run's Redis
 * (fresh key prefix), with a temp data directory. `api()` calls it with fetch.
 */
import { afterEach } from 'vitest';
import type { Engine, EngineOptions } from '../engine/engine';
import { startApiServer, type ApiServer, type ApiServerOptions, type ServerAttachment } from '../server/http-server';
import { createServerContext } from '../server/server-context';
import type { ServerContext } from '../server/context';
import { useEngines, type TestEngines } from './engine';

export interface TestServer {
  url: string;
  engine: Engine;
  ctx: ServerContext;
  server: ApiServer;
  /** fetch against the server; JSON bodies are serialised, answers parsed when JSON. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any; text: string }>;
}

export function useServers(): TestEngines & { startServer(options?: Partial<ApiServerOptions> & { engine?: Partial<EngineOptions>; attachments?: ServerAttachment[] }): Promise<TestServer> } {
  const engines = useEngines();
  const servers: ApiServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return Object.assign(engines, {
    async startServer(options: Partial<ApiServerOptions> & { engine?: Partial<EngineOptions>; attachments?: ServerAttachment[] } = {}) {
      const { engine: engineOptions, attachments, ...serverOptions } = options;
      const engine = await engines.start(engineOptions);
      const ctx = createServerContext(engine, engines.dataDir);
      const server = await startApiServer(ctx, { host: '127.0.0.1', port: 0, ...serverOptions }, attachments ?? []);
      servers.push(server);
      const api: TestServer['api'] = async (method, path, body, headers = {}) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: { ...(body !== undefined && typeof body !== 'string' && { 'content-type': 'application/json' }), ...headers },
          ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        });
        const text = await response.text();
        let parsed: unknown = text;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          /* not JSON */
        }
        return { status: response.status, headers: response.headers, body: parsed, text };
      };
      return { url: server.url, engine, ctx, server, api };
    },
  });
}
