import { describe, expect, it } from 'vitest';
import { validateFlow } from '../flows/validate';
import { useServers, type TestServer } from '../test/server';
import { edge, flowDoc } from '../test/server-fixtures';
import { servedCatalogue } from './served-catalogue';

const kafkaFlow = (consume: Record<string, unknown> = {}) =>
  flowDoc(
    'kafka-check',
    [
      { id: 'in', type: 'kafka-consume', config: { topics: ['orders'], ...consume } },
      { id: 'out', type: 'kafka-produce', config: { topic: 'copies', brokers: ['127.0.0.1:9092'] } },
    ],
    [edge('e1', 'in', 'out')],
  );

describe('when the server has no KAFKA_BROKERS', () => {
  const { specs, catalogue } = servedCatalogue({});

  it('marks the Kafka node types unavailable in the catalogue it serves to the editor', () => {
    const consume = specs.find((s) => s.type === 'kafka-consume');
    expect(consume?.unavailable?.message).toMatch(/KAFKA_BROKERS.*npm run kafka/);
    expect(specs.find((s) => s.type === 'map')?.unavailable).toBeUndefined();
  });

  it('reports a Kafka node without brokers of its own as a problem on the node, and not one with brokers', () => {
    const { problems } = validateFlow(kafkaFlow(), catalogue);
    expect(problems).toEqual([expect.objectContaining({ pointer: '/nodes/0/type', code: 'unavailable', nodeId: 'in' })]);
    expect(validateFlow(kafkaFlow({ brokers: ['127.0.0.1:9092'] }), catalogue).problems).toEqual([]);
  });
});

describe('when the server has KAFKA_BROKERS', () => {
  it('reports nothing about Kafka', () => {
    const { catalogue } = servedCatalogue({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(validateFlow(kafkaFlow(), catalogue).problems).toEqual([]);
  });
});

describe('when a server is started without KAFKA_BROKERS', () => {
  const servers = useServers();

  it('serves the Kafka types marked unavailable, saves a Kafka flow with the problem listed, and refuses to deploy it', async () => {
    const previous = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
    let server: TestServer;
    try {
      server = await servers.startServer();
    } finally {
      process.env.KAFKA_BROKERS = previous;
    }
    const nodes = await server.api('GET', '/api/nodes');
    expect(nodes.body.find((s: { type: string }) => s.type === 'kafka-produce').unavailable.message).toMatch(/KAFKA_BROKERS/);
    const saved = await server.api('POST', '/api/flows', kafkaFlow());
    expect(saved.status).toBe(201);
    expect(saved.body.problems).toEqual([expect.objectContaining({ code: 'unavailable', nodeId: 'in' })]);
    const deployed = await server.api('POST', '/api/flows/kafka-check/deploy');
    expect(deployed.status).toBe(422);
    expect(JSON.stringify(deployed.body)).toMatch(/Kafka is not configured on this server/);
  });
});
