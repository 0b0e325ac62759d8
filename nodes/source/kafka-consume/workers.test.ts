import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Keys } from '../../../engine/keys';
import { sourceMessageId } from '../../../engine/message-id';
import { eventually, useEngines } from '../../../test/engine';
import { useIdempotentReceiver } from '../../../test/idempotent-receiver';
import { useKafka } from '../../../test/kafka';
import { useWorkerProcesses } from '../../../test/processes';
import { consumeFlow, numbered } from './fixtures';
import { groupIdOf, recordKey } from './source';

const engines = useEngines();
const kafka = useKafka();
const receivers = useIdempotentReceiver();
const workers = useWorkerProcesses();

const FLOW = 'kafka-workers';
const PARTITIONS = 4;

/** Partitions per member of the group, as the group coordinator assigned them. */
async function assignments(groupId: string): Promise<number[][]> {
  const { groups } = await kafka.admin.describeGroups([groupId]);
  const group = groups[0];
  if (!group || group.state !== 'Stable') return [];
  return group.members.map((m) => Object.values(kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}).flat());
}

describe('when two worker processes consume one topic in one group', () => {
  it('shares the partitions once a second member joins mid-stream; after one is SIGKILLed the other takes them all over, nothing lost, no committed offset ahead of what was enqueued', { timeout: 180_000 }, async () => {
    const topic = await kafka.topic('workers', PARTITIONS);
    const receiver = await receivers.start();
    const deployer = await engines.start({ workers: false });
    // A tight backlog bound keeps the consumers reading (paused and resumed) all through the test.
    await deployer.deploy(consumeFlow(FLOW, { consume: { topics: [topic] }, origin: receiver.origin, settings: { backlogLimit: 200 } }), 1);
    // Only the worker processes take part from here on.
    await deployer.close();
    const env = { redisUrl: engines.redis.url, prefix: engines.redis.prefix, dataDir: engines.dataDir };
    const groupId = groupIdOf(FLOW, 'in', {});
    const first = await workers.spawn(env);
    await eventually(async () => (await assignments(groupId)).length === 1, 'the first member owning the partitions', 60_000);
    await kafka.produce(topic, numbered(1_500));
    await eventually(() => receiver.applied.length >= 100, 'effects under way', 60_000);

    // A second member joins mid-stream: the group rebalances while records are being read.
    const second = await workers.spawn(env);
    const split = await eventually(async () => {
      const members = await assignments(groupId);
      return members.length === 2 && members.every((partitions) => partitions.length > 0) ? members : undefined;
    }, 'two members sharing the partitions', 60_000);
    expect(split.flat().sort()).toEqual([0, 1, 2, 3]);
    await eventually(() => receiver.applied.length >= 600, 'more effects after the rebalance', 60_000);
    await first.kill('SIGKILL');

    // Every offset the group committed stands for records whose runs were started and enqueued.
    const committed = await kafka.committed(groupId, topic);
    expect([...committed.values()].some((offset) => offset > 0)).toBe(true);
    const keys = new Keys(engines.redis.prefix);
    for (const [partition, offset] of committed) {
      for (let o = Math.max(0, offset - 20); o < offset; o++) {
        const runId = sourceMessageId(FLOW, 'in', recordKey({ topic, partition, offset: String(o) }, undefined));
        expect(await engines.redis.redis.exists(keys.run(FLOW, runId)), `record ${partition}/${o} below the committed offset ${offset}`).toBe(1);
      }
    }

    await kafka.produce(topic, numbered(500, 1_500));
    await eventually(async () => (await assignments(groupId)).length === 1, 'the survivor owning every partition', 60_000);
    expect((await assignments(groupId))[0]!.sort()).toEqual([0, 1, 2, 3]);
    await eventually(() => receiver.applied.length === 2_000, 'all 2,000 effects', 90_000);
    expect(new Set(receiver.applied.map((a) => (a.body as { payload: { n: number } }).payload.n)).size).toBe(2_000);
    expect(second.child.exitCode).toBeNull();
  });
});
