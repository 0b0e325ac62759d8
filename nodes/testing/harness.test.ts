import { describe, expect, it } from 'vitest';
import type { NodeRuntime } from '../runtime';
import { deployNode, runNode } from './harness';

/** A probe posing as the log node type, so the harness finds a spec and applies its defaults. */
const probe = (run: NodeRuntime['run']): NodeRuntime => ({ type: 'log', run });

describe('when a runtime runs in the harness', () => {
  it('does hand it the config with the spec defaults applied', async () => {
    let seen: unknown;
    await runNode(probe(async (ctx) => ((seen = ctx.config), [])), { config: { level: 'warn' } });
    expect(seen).toEqual({ level: 'warn', value: '$' });
  });

  it('does refuse access to state', async () => {
    const run = runNode(probe(async (ctx) => (ctx.state, [])));
    await expect(run).rejects.toThrow('state is not available in the harness');
  });

  it('does share one memo across the messages of one deployed node', async () => {
    let builds = 0;
    const node = await deployNode(probe(async (ctx) => [{ port: 'out', payload: ctx.memo('k', () => ++builds) }]));
    try {
      const results = [await node.run(), await node.run()].map((r) => r.emissions[0]!.payload);
      expect(results).toEqual([1, 1]);
      expect(node.memoBuilds.get('k')).toBe(1);
    } finally {
      node.close();
    }
  });

  it('does fail for a runtime whose type has no spec', async () => {
    await expect(runNode({ type: 'no-such-type', run: async () => [] })).rejects.toThrow('no spec for node type "no-such-type"');
  });
});
