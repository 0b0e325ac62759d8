/**
 * A kafka-consume whose brokers accept connections and never answer (a hung broker, a port
 * forwarded to nothing): kafkajs waits a request timeout per attempt and retries for minutes, so
 * the member's start hangs. Undeploying or redeploying it must not wait for that (the source
 * contract: a start gives up when its signal aborts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, useEngines } from '../../../test/engine';
import { consumeFlow } from './fixtures';

const engines = useEngines();

let silent: { server: Server; sockets: Set<Socket> } | null = null;
afterEach(async () => {
  if (!silent) return;
  for (const socket of silent.sockets) socket.destroy();
  await new Promise((done) => silent!.server.close(done));
  silent = null;
});

/** A TCP port that takes connections and never says a word. */
async function silentBroker(): Promise<{ address: string; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  silent = { server, sockets };
  const { port } = server.address() as { port: number };
  return { address: `127.0.0.1:${port}`, connections: () => connections };
}

describe('when the brokers of a kafka-consume never answer', () => {
  it('an undeploy does not wait for the hung start, and a redeploy starts the new revision', { timeout: 60_000 }, async () => {
    const broker = await silentBroker();
    const engine = await engines.start();
    const flow = (revision: string) => consumeFlow('consume-unanswered', { consume: { topics: [`t-never-${revision}`], brokers: [broker.address] } });
    await engine.deploy(flow('a'), 1);
    await eventually(() => broker.connections() > 0, 'the member connecting');

    await engine.deploy(flow('b'), 2);
    await eventually(async () => (await engine.sourceStatus('consume-unanswered')).some((m) => m.revision === 2), 'the member of revision 2 listed', 15_000);

    // Undeploy hands the change to every process; the member is gone once this one stopped it.
    await engine.undeploy('consume-unanswered');
    await eventually(async () => (await engine.sourceStatus('consume-unanswered')).length === 0, 'no member listed', 15_000);
  });
});
