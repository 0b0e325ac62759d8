/**
 * The one harness node tests run runtimes through (STYLE item 15): a real NodeContext — guarded
 * JSONata, the guarded HTTP client under a policy the test passes, credentials from a map, a
 * real AbortSignal, a memo per deployed node, a logger that captures lines — around one node of
 * a small fixture, with the spec's config defaults applied as the engine applies them.
 *
 * Config is not validated: a test can hand a runtime what validation would refuse (a `../` path)
 * to prove the runtime refuses it too. `state` and `timers` are unavailable unless the test
 * passes them (a stateful node's test hands in the engine's Redis-backed state).
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDefaults } from '../../flows/ajv';
import { makePreview } from '../../flows/preview';
import { compileExpression, type CompiledExpression, type ExpressionLimits } from '../../flows/expression';
import { NODE_SPECS } from '../catalogue';
import { PermanentError } from '../errors';
import type { Credential, Credentials, Emission, Logger, Message, NodeContext, NodeRuntime, NodeState, NodeTraceSignals, PrepareContext } from '../runtime';
import { createHttpClient, type OutboundPolicy } from '../runtime/http';

export interface LogLine {
  level: keyof Logger;
  msg: string;
  fields?: Record<string, unknown>;
}

export interface DeployOptions<C> {
  /** The node's config as written in a flow; the spec's defaults are filled in. */
  config?: Partial<C>;
  /** Named credentials the node may ask for. */
  credentials?: Record<string, Credential>;
  /** `ctx.dataDir`; defaults to a fresh path under the OS temp dir that nothing creates. */
  dataDir?: string;
  /** Outbound-HTTP policy, e.g. `{ allow: ['127.0.0.0/8'] }` to reach a test server. */
  http?: Partial<OutboundPolicy>;
  /** Tighter expression bounds, e.g. a short `timeoutMs` for a runaway-expression test. */
  expressionLimits?: Partial<ExpressionLimits>;
  nodeId?: string;
  /** `ctx.state`; by default any use of it throws. */
  state?: NodeState;
  /** `ctx.timers`; by default setting one throws. */
  timers?: NodeContext['timers'];
}

export interface MessageOptions {
  payload?: unknown;
  attrs?: Record<string, unknown>;
  /** Default `msg-<n>`. */
  messageId?: string;
  /** Default: the message id. */
  runId?: string;
  /** The input port the message arrives on; default `in`. */
  port?: string;
  /** Default 1. */
  attempt?: number;
  /** Default `<flow>:<node>:<message id>`, as the engine derives it without an idempotency policy. */
  idempotencyKey?: string;
  /** Aborts `ctx.signal`; by default it never aborts. */
  signal?: AbortSignal;
}

export interface NodeRunResult {
  emissions: Emission[];
  logs: LogLine[];
  /** What the runtime passed to `ctx.note`, if anything. */
  noted?: unknown;
  /** The trace events the runtime asked for (`ctx.trace`), in order. */
  traced: Array<{ name: keyof NodeTraceSignals; data: NodeTraceSignals[keyof NodeTraceSignals] }>;
}

/** One node deployed as the engine would: `prepare` has run; each `run` handles one message. */
export interface DeployedNode {
  run(message?: MessageOptions): Promise<NodeRunResult>;
  /** How many times `memo` built each key — once per deploy for a value compiled once. */
  readonly memoBuilds: ReadonlyMap<string, number>;
  /** Every line logged so far, by prepare and all runs. */
  readonly logs: readonly LogLine[];
  close(): void;
}

export const HARNESS_FLOW_ID = 'harness-flow';

/** Deploys `runtime` with `options` (running its `prepare`), for several messages in a row. */
export async function deployNode<C>(runtime: NodeRuntime<C>, options: DeployOptions<C> = {}): Promise<DeployedNode> {
  const spec = NODE_SPECS.find((s) => s.type === runtime.type);
  if (!spec) throw new Error(`no spec for node type "${runtime.type}"`);
  const config = withDefaults(spec.configSchema, options.config ?? {}) as C;
  const nodeId = options.nodeId ?? 'node-1';
  const logs: LogLine[] = [];
  const log = captureLogger(logs);
  const expressions = new Map<string, CompiledExpression>();
  const expression = (source: string) => {
    let compiled = expressions.get(source);
    if (!compiled) expressions.set(source, (compiled = compileExpression(source, options.expressionLimits)));
    return compiled;
  };
  const memo = new Map<string, unknown>();
  const memoBuilds = new Map<string, number>();
  const memoOf = <T>(key: string, build: () => T): T => {
    if (!memo.has(key)) {
      memoBuilds.set(key, (memoBuilds.get(key) ?? 0) + 1);
      memo.set(key, build());
    }
    return memo.get(key) as T;
  };
  const prepareCtx: PrepareContext<C> = { flowId: HARNESS_FLOW_ID, revision: 1, nodeId, config, expression, memo: memoOf, log };
  await runtime.prepare?.(prepareCtx);

  const http = createHttpClient(options.http);
  const credentials = credentialStore(options.credentials ?? {});
  const dataDir = options.dataDir ?? join(tmpdir(), `tributary-harness-${randomUUID()}`);
  let sequence = 0;

  return {
    memoBuilds,
    logs,
    close: () => http.close(),
    async run(m = {}) {
      const id = m.messageId ?? `msg-${++sequence}`;
      const message: Message = {
        id,
        runId: m.runId ?? id,
        payload: m.payload,
        meta: { flowId: HARNESS_FLOW_ID, revision: 1, port: m.port ?? 'in', startedAt: Date.now(), ...(m.attrs && { attrs: m.attrs }) },
      };
      let noted: { result: unknown } | undefined;
      // As the engine's tracer does: every secret field of the credentials in use is redacted.
      const secretValues = Object.values(options.credentials ?? {}).flatMap((c) => Object.entries(c).flatMap(([k, v]) => (k !== 'type' && typeof v === 'string' ? [v] : [])));
      const traced: NodeRunResult['traced'] = [];
      const ctx: NodeContext<C> = {
        ...prepareCtx,
        note: (result) => (noted = { result }),
        preview: (value) => makePreview(value, { secrets: secretValues }),
        trace: async (name, data) => void traced.push({ name, data }),
        timers: options.timers ?? {
          set: async () => {
            throw new Error('timers are not available in the harness unless the test passes them');
          },
        },
        attempt: m.attempt ?? 1,
        get state(): NodeState {
          if (options.state) return options.state;
          throw new Error('state is not available in the harness unless the test passes it: stateless nodes never use it');
        },
        credentials,
        signal: m.signal ?? new AbortController().signal,
        http,
        dataDir,
        idempotencyKey: m.idempotencyKey ?? `${HARNESS_FLOW_ID}:${nodeId}:${id}`,
        // The engine's default dead-letter TTL (engine/retention.ts), which nodes/ may not import.
        replayableSec: 30 * 86_400,
      };
      const before = logs.length;
      const emissions = await runtime.run(ctx, message);
      return { emissions, logs: logs.slice(before), traced, ...(noted && { noted: noted.result }) };
    },
  };
}

/** Deploys `runtime`, runs one message through it, and undeploys. */
export async function runNode<C>(runtime: NodeRuntime<C>, options: DeployOptions<C> & MessageOptions = {}): Promise<NodeRunResult> {
  const node = await deployNode(runtime, options);
  try {
    return await node.run(options);
  } finally {
    node.close();
  }
}

function captureLogger(lines: LogLine[]): Logger {
  const at =
    (level: keyof Logger) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, msg, ...(fields && { fields }) });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The engine's store semantics over a plain map: a missing name or another type is permanent. */
function credentialStore(entries: Record<string, Credential>): Credentials {
  return {
    async get<T extends Credential['type']>(name: string, type: T | T[]) {
      const credential = Object.hasOwn(entries, name) ? entries[name] : undefined;
      if (!credential) throw new PermanentError(`credential "${name}" does not exist`, { code: 'CREDENTIAL_MISSING' });
      const wanted: string[] = Array.isArray(type) ? type : [type];
      if (!wanted.includes(credential.type)) {
        throw new PermanentError(`credential "${name}" is of type ${credential.type}; this node needs ${wanted.join(' or ')}`, { code: 'CREDENTIAL_TYPE' });
      }
      return credential as Extract<Credential, { type: T }>;
    },
  };
}
