/**
 * `validateFlow(doc, catalogue)`: every problem of a flow document, each located by a JSON
 * pointer. Safe on hostile input — bounded size and depth, no prototype-reaching keys, and no
 * exception ever escapes (an internal failure becomes a problem). Pure: the editor runs the very
 * same checks as the server.
 */
import type { ErrorObject } from 'ajv';
import { validatorFor } from './ajv';
import type { Catalogue } from './catalogue';
import { checkExpression } from './expression';
import { checkGraph, type GraphEdge, type GraphNode } from './graph';
import { guardDocument } from './guard';
import { FLOW_LIMITS } from './limits';
import { pointer, readPointer } from './pointer';
import { ProblemList, type Problem, type ProblemCode } from './problems';
import { resolveNode } from './resolve-node';
import { FLOW_FORMAT, FlowDocumentSchema, type FlowDocument } from './schema';

export type ValidationResult = { valid: true; flow: FlowDocument; problems: [] } | { valid: false; problems: Problem[] };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function unionMessage(error: ErrorObject): string {
  const branches = (error.schema as unknown[] | undefined) ?? [];
  const consts = branches.map((b) => (isObject(b) && 'const' in b ? JSON.stringify(b.const) : undefined));
  return consts.every((c) => c !== undefined) ? `must be one of ${consts.join(', ')}` : (error.message ?? 'matches none of the allowed forms');
}

/** Turns ajv errors into located problems: one per place, union noise folded into one line. */
function ajvProblems(errors: ErrorObject[], data: unknown, base: string, code: ProblemCode, nodeId?: string): Problem[] {
  const unionAt = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of errors) {
    const inUnion = unionAt.has(error.instancePath) && error.keyword !== 'anyOf' && error.keyword !== 'oneOf';
    if (inUnion && /\/(anyOf|oneOf)\/\d+\//.test(error.schemaPath)) continue;
    let at = base + error.instancePath;
    let message = error.message ?? 'is invalid';
    let kind = code;
    if (error.keyword === 'required') {
      at += pointer(String(error.params.missingProperty));
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      at += pointer(String(error.params.additionalProperty));
      message = 'is not a known property here';
    } else if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      message = unionMessage(error);
    } else if (error.keyword === 'format' && error.params.format === 'jsonata') {
      const source = readPointer(data, error.instancePath);
      const problem = typeof source === 'string' ? checkExpression(source) : null;
      message = problem ? `invalid JSONata: ${problem.message}${problem.position !== undefined ? ` (at ${problem.position})` : ''}` : 'invalid JSONata';
      kind = 'expression';
    }
    const key = `${at}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ pointer: at, message, code: kind, ...(nodeId !== undefined && { nodeId }) });
  }
  return problems;
}

/** Checks each node; returns the graph view of those whose type is known, and the ids of the rest. */
function checkNodes(doc: Json, catalogue: Catalogue, report: (p: Problem) => void): { graphNodes: Map<string, GraphNode>; untyped: Set<string> } {
  const graphNodes = new Map<string, GraphNode>();
  const untyped = new Set<string>();
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  nodes.forEach((node: unknown, index) => {
    if (!isObject(node) || typeof node.id !== 'string') return;
    const at = (...more: Array<string | number>) => pointer('nodes', index, ...more);
    const nodeId = node.id;
    if (graphNodes.has(nodeId) || untyped.has(nodeId)) {
      report({ pointer: at('id'), code: 'duplicate-id', nodeId, message: `node id "${nodeId}" is used by another node` });
      return;
    }
    const spec = typeof node.type === 'string' ? catalogue.get(node.type) : undefined;
    if (!spec) {
      untyped.add(nodeId);
      if (typeof node.type === 'string') {
        const known = [...catalogue.keys()].sort().join(', ');
        report({ pointer: at('type'), code: 'unknown-type', nodeId, message: `unknown node type "${node.type}" (known: ${known})` });
      }
      return;
    }
    // Checked with defaults filled in, as the engine will run it: a field left out that has a
    // default is fine. Defaults only add, so every pointer still lands in the document.
    const resolved = resolveNode({ ...node, config: isObject(node.config) ? node.config : {} } as Parameters<typeof resolveNode>[0], spec);
    if (isObject(node.config)) {
      const validate = validatorFor(spec.configSchema as object);
      if (!validate(resolved.config)) ajvProblems(validate.errors ?? [], resolved.config, at('config'), 'config', nodeId).forEach(report);
    }
    if (isObject(node.policy) && node.policy.circuitBreaker !== undefined && spec.category !== 'sink') {
      report({ pointer: at('policy', 'circuitBreaker'), code: 'policy', nodeId, message: `a circuit breaker applies to sinks; "${spec.type}" is a ${spec.category}` });
    }
    for (const p of resolved.portProblems) report({ pointer: at() + p.pointer, code: 'config', nodeId, message: p.message });
    if (spec.unavailable && !hasValue(node.config, spec.unavailable.unlessConfig)) {
      report({ pointer: at('type'), code: 'unavailable', nodeId, message: spec.unavailable.message });
    }
    graphNodes.set(nodeId, { index, id: nodeId, category: spec.category, ports: resolved.ports });
  });
  return { graphNodes, untyped };
}

/** Whether `config[field]` is there and not empty (an empty list or string counts as absent). */
function hasValue(config: unknown, field: string | undefined): boolean {
  if (field === undefined || !isObject(config)) return false;
  const value = config[field];
  return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function readEdges(doc: Json, report: (p: Problem) => void): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const ids = new Set<string>();
  const endpoint = (v: unknown) => (isObject(v) && typeof v.node === 'string' && typeof v.port === 'string' ? { node: v.node, port: v.port } : undefined);
  (Array.isArray(doc.edges) ? doc.edges : []).forEach((edge: unknown, index) => {
    if (!isObject(edge) || typeof edge.id !== 'string') return;
    if (ids.has(edge.id)) {
      report({ pointer: pointer('edges', index, 'id'), code: 'duplicate-id', edgeId: edge.id, message: `edge id "${edge.id}" is used by another edge` });
      return;
    }
    ids.add(edge.id);
    const from = endpoint(edge.from);
    const to = endpoint(edge.to);
    if (from && to) edges.push({ index, id: edge.id, from, to });
  });
  return edges;
}

/** Every problem of `doc` as a flow document, given the node types of `catalogue`. */
export function validateFlow(doc: unknown, catalogue: Catalogue): ValidationResult {
  const problems = new ProblemList(FLOW_LIMITS.maxProblems);
  const report = (p: Problem) => problems.add(p);
  try {
    const guard = guardDocument(doc);
    guard.problems.forEach(report);
    if (!guard.readable) return { valid: false, problems: problems.toArray() };
    if (!isObject(doc)) {
      report({ pointer: '', code: 'shape', message: 'a flow document must be a JSON object' });
      return { valid: false, problems: problems.toArray() };
    }
    if (doc.format !== FLOW_FORMAT) {
      report({ pointer: '/format', code: 'shape', message: `format must be "${FLOW_FORMAT}"` });
      return { valid: false, problems: problems.toArray() };
    }
    const validateShape = validatorFor(FlowDocumentSchema);
    if (!validateShape(doc)) ajvProblems(validateShape.errors ?? [], doc, '', 'shape').forEach(report);
    // Keys that could reach a prototype: report them, and touch nothing further that copies data.
    if (guard.problems.length > 0) return { valid: false, problems: problems.toArray() };
    const { graphNodes, untyped } = checkNodes(doc, catalogue, report);
    // Edges of a node whose type is unknown can't be judged; its own problem says why.
    const edges = readEdges(doc, report).filter((e) => !untyped.has(e.from.node) && !untyped.has(e.to.node));
    checkGraph(graphNodes, edges, report);
  } catch (error) {
    report({ pointer: '', code: 'internal', message: `validation failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` });
  }
  const list = problems.toArray();
  return list.length === 0 ? { valid: true, flow: doc as FlowDocument, problems: [] } : { valid: false, problems: list };
}
