/** HTTP test servers a test starts are closed after it, open connections included. */
import type http from 'node:http';
import { afterEach } from 'vitest';

/** Call inside a describe/use-function; returns `track(server)`, which closes it after each test. */
export function closeServersAfterEach(): (server: http.Server) => http.Server {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  });
  return (server) => {
    servers.push(server);
    return server;
  };
}
