/**
 * A server without KAFKA_BROKERS: a Kafka node is a problem the editor shows, on the node and in
 * Problems, saying what to do — not a flow that deploys and then fails silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDocument } from '../flows/schema';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';

const FLOW: FlowDocument = {
  format: 'tributary.flow/v1',
  id: 'kafka-unconfigured',
  name: 'Kafka without brokers',
  nodes: [
    { id: 'orders', type: 'kafka-consume', name: 'Orders', position: { x: 60, y: 80 }, config: { topics: ['orders'], valueFormat: 'json' } },
    { id: 'show', type: 'log', name: 'Show', position: { x: 360, y: 80 }, config: {} },
  ],
  edges: [{ id: 'e1', from: { node: 'orders', port: 'out' }, to: { node: 'show', port: 'in' } }],
};

describe('when the server has no Kafka brokers configured', () => {
  const t = useEditorApp();
  let saved: string | undefined;
  beforeAll(() => {
    // Each e2e file runs in a worker of its own: the server this file starts reads this.
    saved = process.env.KAFKA_BROKERS;
    delete process.env.KAFKA_BROKERS;
  });
  afterAll(() => {
    if (saved !== undefined) process.env.KAFKA_BROKERS = saved;
  });

  it('lists the Kafka node in Problems with what to do, and the server refuses to deploy it', async () => {
    const { editor, server } = await t.open({ flows: [FLOW], open: FLOW.id });
    await editor.waitForNodes(['orders', 'show']);
    await editor.problems.open();
    await expect
      .poll(() => editor.problems.list())
      .toContainEqual(expect.objectContaining({ nodeId: 'orders', text: expect.stringMatching(/Kafka is not configured on this server.*KAFKA_BROKERS/) }));
    expect((await editor.problems.list()).filter((p) => p.nodeId === 'show')).toEqual([]);
    await saveScreenshot(editor.page, 'kafka-unconfigured');

    expect((await server.api('POST', `/api/flows/${FLOW.id}/deploy`)).status).toBe(422);
  });
});
