/**
 * The API server process part: the Express app on one port, with Socket.IO on the same server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import type { ServerContext } from './context';
import type { Route } from './http/route';
import { assertSafeBinding, type SecurityOptions } from './http/security';
import { allRoutes } from './routes';

export interface ApiServerOptions {
  host: string;
  port: number;
  token?: string;
  corsOrigins?: string[];
  bodyLimit?: string;
  editorDir?: string;
}

export interface ApiServer {
  readonly server: Server;
  readonly routes: readonly Route[];
  readonly url: string;
  close(): Promise<void>;
}

/** Hooks later parts attach to the HTTP server (the Socket.IO relay). */
export type ServerAttachment = (server: Server, ctx: ServerContext, security: SecurityOptions) => { close(): Promise<void> };

export async function startApiServer(ctx: ServerContext, options: ApiServerOptions, attachments: ServerAttachment[] = []): Promise<ApiServer> {
  assertSafeBinding(options);
  let boundPort = options.port;
  const security: SecurityOptions = { host: options.host, port: () => boundPort, ...(options.token && { token: options.token }), corsOrigins: options.corsOrigins ?? [] };
  const routes = allRoutes(ctx);
  const app = createApp(ctx, routes, { security, ...(options.bodyLimit && { bodyLimit: options.bodyLimit }), ...(options.editorDir && { editorDir: options.editorDir }) });
  const server = createServer(app);
  const attached = attachments.map((attach) => attach(server, ctx, security));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  boundPort = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    routes,
    url: `http://${host}:${boundPort}`,
    async close() {
      await Promise.all(attached.map((a) => a.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
