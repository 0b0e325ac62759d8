/**
 * Live counters for the benchmark: synthetic `node:started` / `node:completed` trace events for
 * a share of the flow's nodes, published 10 times a second on the engine's trace channel — the
 * channel the server's relay reads — so they reach the editor through the real relay and
 * Socket.IO, batched as the engine's own events are.
 */
import type { FlowDocument } from '../../flows/schema';
import type { TraceEvent } from '../../flows/trace-events';
import type { Stack } from './stack';

export interface LiveFeed {
  /** Ticks sent so far. */
  readonly ticks: number;
  stop(): Promise<void>;
}

export function startLiveFeed(stack: Stack, flow: FlowDocument, fraction: number, hz = 10): LiveFeed {
  const channel = stack.engine.keys.traceChannel();
  const redis = stack.engine.redis;
  const every = Math.max(1, Math.round(1 / fraction));
  let ticks = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    ticks += 1;
    const at = Date.now();
    const runId = `bench-run-${ticks}`;
    const pipeline = redis.pipeline();
    flow.nodes.forEach((node, i) => {
      if ((i + ticks) % every !== 0) return;
      const base = { flowId: flow.id, revision: 1, runId, at, nodeId: node.id, nodeType: node.type, messageId: `${runId}-${node.id}`, attempt: 1 };
      const events: TraceEvent[] = [
        { type: 'node:started', data: { ...base, input: { value: null, truncated: false } } },
        { type: 'node:completed', data: { ...base, durationMs: 1, outputs: [] } },
      ];
      for (const event of events) pipeline.publish(channel, JSON.stringify(event));
    });
    pending = pipeline.exec();
  }, 1000 / hz);
  return {
    get ticks() {
      return ticks;
    },
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}
