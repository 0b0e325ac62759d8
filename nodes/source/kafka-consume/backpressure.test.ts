import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ServerMetrics } from '../../../server/metrics';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { useKafka } from '../../../test/kafka';
import { consumeFlow, numbered } from './fixtures';
import { groupIdOf } from './source';

const engines = useEngines();
const kafka = useKafka();
const receivers = useIdempotentReceiver();

const FLOW = 'kafka-backpressure';
const LIMIT = 100;
const RECORDS = 2_000;
/** What may be under way when the brake comes: one chunk (50) per partition handed on at once (2). */
const IN_FLIGHT = 2 * 50;

describe('when the flow\'s workers are stopped while the consumer reads', () => {
  it('pauses the consumer at the backlog bound, lists its lag per partition, and resumes it when workers return', { timeout: 120_000 }, async () => {
    const topic = await kafka.topic('brake', 2);
    await kafka.produce(topic, numbered(RECORDS));
    const receiver = await receivers.start();
    // An engine without workers: its consumer enqueues, nothing takes the jobs.
    const reader = await engines.start({ workers: false });
    await reader.deploy(consumeFlow(FLOW, { consume: { topics: [topic] }, origin: receiver.origin, settings: { backlogLimit: LIMIT } }), 1);
    await eventually(async () => (await reader.sourceStatus(FLOW)).some((s) => s.state === 'paused'), 'the consumer paused', 30_000);
    const backlogs: number[] = [];
    for (let i = 0; i < 8; i++) {
      backlogs.push(await reader.backlog(FLOW));
      await sleep(250);
    }
    expect(Math.min(...backlogs)).toBeGreaterThanOrEqual(LIMIT);
    expect(Math.max(...backlogs)).toBeLessThanOrEqual(LIMIT + IN_FLIGHT);
    const committed = [...(await kafka.committed(groupIdOf(FLOW, 'in', {}), topic)).values()].reduce((a, b) => a + Math.max(0, b), 0);
    expect(committed).toBeLessThan(RECORDS);
    expect(receiver.applied).toHaveLength(0);

    // While it is held back, its lag per partition is what the group has not committed.
    const listed = await eventually(async () => (await reader.sourceStatus(FLOW)).find((m) => m.lag?.length === 2), 'the lag listed', 30_000);
    expect(listed.lag!.reduce((sum, p) => sum + p.lag, 0)).toBe(RECORDS - committed);
    const metrics = await new ServerMetrics(reader).scrape();
    for (const { partition, lag } of listed.lag!) {
      expect(metrics).toContain(`tributary_source_lag{flow="${FLOW}",node="in",topic="${topic}",partition="${partition}"} ${lag}`);
    }

    await engines.start();
    await eventually(() => receiver.applied.length === RECORDS, `all ${RECORDS} effects`, 90_000);
    expect(new Set(receiver.applied.map((a) => (a.body as { payload: { n: number } }).payload.n)).size).toBe(RECORDS);
    await eventually(async () => (await reader.sourceStatus(FLOW)).every((s) => s.state === 'running'), 'the consumers running again');
  });
});
