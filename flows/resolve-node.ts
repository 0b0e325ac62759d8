/**
 * A flow node as validation, engine and editor all see it once its type is known: config with
 * the schema's defaults, effective policy, and the ports that follow from both.
 */
import { withDefaults } from './ajv';
import type { CatalogueEntry } from './catalogue';
import { effectivePolicy, type EffectivePolicy } from './policy';
import { resolvePorts, type PortProblem, type ResolvedPorts } from './ports';
import type { FlowNode } from './schema';

export interface ResolvedNode {
  config: Record<string, unknown>;
  policy: EffectivePolicy;
  ports: ResolvedPorts;
  /** Problems of the port rules (e.g. two switch rules naming the same port), node-relative. */
  portProblems: PortProblem[];
}

export function resolveNode(node: Pick<FlowNode, 'config' | 'policy'> & Record<string, unknown>, spec: CatalogueEntry): ResolvedNode {
  const config = withDefaults(spec.configSchema as object, node.config ?? {});
  const policy = effectivePolicy(spec.category, spec.defaultPolicy, node.policy);
  const { ports, problems } = resolvePorts(spec.ports, { ...node, config, policy }, policy.onError);
  return { config, policy, ports, portProblems: problems };
}
