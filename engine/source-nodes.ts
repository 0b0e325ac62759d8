/**
 * The source nodes of a plan, through the registry of sources (nodes/sources.ts): which node is
 * which kind of source, and the deploy-time check of every source's config. The engine reaches
 * sources only through here and the `kind` of each, never by node type.
 */
import { getNextMillis } from 'bullmq';
import type { Problem } from '../flows/problems';
import type { Source, SourceKind } from '../nodes/source-contract';
import { InvalidFlowError, type Plan, type PlanNode } from './plan';

export type SourceRegistry = ReadonlyMap<string, Source<any>>;

/** A source of the given kind, narrowed. */
export type SourceOf<K extends SourceKind> = Extract<Source<any>, { kind: K }>;

/** The source of `node` when it is one of `kind`. */
export function sourceOf<K extends SourceKind>(sources: SourceRegistry, node: PlanNode, kind: K): SourceOf<K> | undefined {
  const source = node.category === 'source' ? sources.get(node.type) : undefined;
  return source?.kind === kind ? (source as SourceOf<K>) : undefined;
}

/** The enabled nodes of `plan` whose source is of `kind`, in the order they were drawn. */
export function sourceNodes<K extends SourceKind>(plan: Plan, sources: SourceRegistry, kind: K): Array<{ node: PlanNode; source: SourceOf<K> }> {
  const found: Array<{ node: PlanNode; source: SourceOf<K> }> = [];
  for (const node of Object.values(plan.nodes).sort((a, b) => a.index - b.index)) {
    const source = node.disabled ? undefined : sourceOf(sources, node, kind);
    if (source) found.push({ node, source });
  }
  return found;
}

/** When a cron pattern fires next, as BullMQ's job schedulers read it. */
const nextCronTime = (pattern: string, timezone: string | undefined, afterMs: number): number | undefined =>
  getNextMillis(afterMs, { pattern, ...(timezone !== undefined && { tz: timezone }) });

/**
 * Refuses a plan with a source node of a type without a source in this build, or whose source's
 * `check` finds problems, so a deploy fails with located problems before anything is stored.
 */
export function checkSources(plan: Plan, sources: SourceRegistry): void {
  const problems: Problem[] = [];
  for (const node of Object.values(plan.nodes)) {
    if (node.category !== 'source' || node.disabled) continue;
    const source = sources.get(node.type);
    if (!source) {
      problems.push({ pointer: `/nodes/${node.index}/type`, code: 'unknown-type', nodeId: node.id, message: `node type "${node.type}" has no source in this build` });
      continue;
    }
    try {
      for (const problem of source.check?.({ nodeId: node.id, config: node.config, nextCronTime }) ?? []) {
        problems.push({ pointer: `/nodes/${node.index}/config/${problem.field}`, code: 'config', nodeId: node.id, message: problem.message });
      }
    } catch (error) {
      problems.push({ pointer: `/nodes/${node.index}/config`, code: 'config', nodeId: node.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  if (problems.length > 0) throw new InvalidFlowError(problems);
}
