import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free on `host` right now (listen on port 0, read it, close).
 *
 * Someone else may take the port before our caller binds it; callers that spawn a server on it
 * must treat "address in use" as a reason to ask again (see `startPrivateRedis`).
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((err) => {
        if (err) reject(err);
        else if (port === 0) reject(new Error(`could not read the port the OS assigned on ${host}`));
        else resolve(port);
      });
    });
  });
}
