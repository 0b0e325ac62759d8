/**
 * How a node's ports follow from its document, declared as data so that it survives being served
 * as JSON (`GET /api/nodes`) and means the same thing to validation, engine and editor.
 *
 * A rule is either one fixed port, or one port per item of an array in the node document
 * (a switch's rules, a merge's inputs). Either may carry a `when` condition on a value of the
 * node document (`/config/mode` equals `"join"`). Every node that routes its errors
 * (`policy.onError: "error"`) also gets an `error` output; that rule is universal, so specs don't
 * repeat it.
 */
import { PORT_NAME_PATTERN } from './limits';
import { readPointer } from './pointer';

export type JsonPrimitive = string | number | boolean | null;

export interface PortCondition {
  /** JSON pointer into the node document, e.g. `/config/mode` or `/policy/onError`. */
  path: string;
  /** Holds when the value there equals one of these (after config defaults are applied). */
  in: JsonPrimitive[];
}

export interface FixedPortRule {
  kind: 'fixed';
  name: string;
  label?: string;
  when?: PortCondition;
}

export interface EachPortRule {
  kind: 'each';
  /** JSON pointer to an array in the node document, e.g. `/config/rules`. */
  items: string;
  /** JSON pointer inside each item to the port name; `""` when the item is the name itself. */
  name: string;
  /** JSON pointer inside each item to a display label, if any. */
  label?: string;
  when?: PortCondition;
}

export type PortRule = FixedPortRule | EachPortRule;

export interface PortsDecl {
  inputs: PortRule[];
  outputs: PortRule[];
}

export interface Port {
  name: string;
  label: string;
}

export interface ResolvedPorts {
  inputs: Port[];
  outputs: Port[];
}

export interface PortProblem {
  /** Pointer relative to the node document. */
  pointer: string;
  message: string;
}

export const ERROR_PORT = 'error';
export const IN = 'in';
export const OUT = 'out';

/** The `in` port every non-source node has. */
export const SINGLE_INPUT: PortRule[] = [{ kind: 'fixed', name: IN }];
export const SINGLE_OUTPUT: PortRule[] = [{ kind: 'fixed', name: OUT }];

const portPattern = new RegExp(PORT_NAME_PATTERN);

const holds = (node: unknown, when: PortCondition | undefined): boolean =>
  when === undefined || when.in.some((v) => v === readPointer(node, when.path));

function expand(node: unknown, rules: PortRule[], problems: PortProblem[]): Port[] {
  const ports: Port[] = [];
  const seen = new Set<string>();
  const add = (name: unknown, label: unknown, pointer: string) => {
    if (typeof name !== 'string' || !portPattern.test(name)) {
      problems.push({ pointer, message: `port name must match ${PORT_NAME_PATTERN}` });
    } else if (seen.has(name)) {
      problems.push({ pointer, message: `port "${name}" is declared twice` });
    } else {
      seen.add(name);
      ports.push({ name, label: typeof label === 'string' && label !== '' ? label : name });
    }
  };
  for (const rule of rules) {
    if (!holds(node, rule.when)) continue;
    if (rule.kind === 'fixed') {
      add(rule.name, rule.label, '');
      continue;
    }
    const items = readPointer(node, rule.items);
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      add(readPointer(item, rule.name), rule.label === undefined ? undefined : readPointer(item, rule.label), `${rule.items}/${i}${rule.name}`);
    });
  }
  return ports;
}

/**
 * The ports of a node. `node` should carry its config with defaults applied; `onError` is the
 * node's effective on-error setting (it adds the `error` output).
 */
export function resolvePorts(decl: PortsDecl, node: unknown, onError?: string): { ports: ResolvedPorts; problems: PortProblem[] } {
  const problems: PortProblem[] = [];
  const inputs = expand(node, decl.inputs, problems);
  const outputs = expand(node, decl.outputs, problems);
  if (onError === 'error') {
    if (outputs.some((p) => p.name === ERROR_PORT)) {
      problems.push({ pointer: '/policy/onError', message: `an output is already named "${ERROR_PORT}"; rename it to route errors` });
    } else {
      outputs.push({ name: ERROR_PORT, label: 'error' });
    }
  }
  return { ports: { inputs, outputs }, problems };
}
