/**
 * Once per deploy, each runtime's `prepare` compiles what it can (into the node's memo) and
 * refuses a config that could never work — so a deploy fails with a located problem instead of
 * every message failing later.
 */
import type { NodeRuntime } from '../nodes/runtime';
import { InvalidFlowError, type Plan } from './plan';
import type { Pino } from './logger';
import { cachedExpression, type NodeCache } from './plans';
import { memoOf } from './context';
import { nodeLogger } from './logger';
import type { Problem } from '../flows/problems';

export async function prepareRuntimes(
  plan: Plan,
  runtimes: ReadonlyMap<string, NodeRuntime<any>>,
  log: Pino,
): Promise<void> {
  const problems: Problem[] = [];
  for (const node of Object.values(plan.nodes)) {
    const index = node.index;
    const runtime = runtimes.get(node.type);
    if (!runtime) {
      problems.push({ pointer: `/nodes/${index}/type`, code: 'unknown-type', nodeId: node.id, message: `node type "${node.type}" can't run in this build yet` });
      continue;
    }
    if (!runtime.prepare) continue;
    // Prepare against a throwaway cache: the plan isn't stored yet, and workers build their own.
    const cache: NodeCache = { expressions: new Map(), memo: new Map() };
    try {
      await runtime.prepare({
        flowId: plan.flowId,
        revision: plan.revision,
        nodeId: node.id,
        config: node.config,
        expression: (source) => cachedExpression(cache, source),
        memo: memoOf(cache),
        log: nodeLogger(log, { flowId: plan.flowId, nodeId: node.id }),
      });
    } catch (error) {
      problems.push({ pointer: `/nodes/${index}/config`, code: 'config', nodeId: node.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (problems.length > 0) throw new InvalidFlowError(problems);
}
