/**
 * The flow document `tributary.flow/v1`: its JSON Schema and the TypeScript types derived from
 * the same TypeBox source, so the schema ajv checks and the types the code compiles against
 * can't drift. Pure module: safe for the editor bundle.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { FLOW_LIMITS, NODE_TYPE_PATTERN, PORT_NAME_PATTERN, SAFE_ID_PATTERN } from './limits';

export const FLOW_FORMAT = 'tributary.flow/v1';

/** A JSONata expression field. `format: "jsonata"` is how validation, editor and docs find them. */
export const Expression = (options: { title?: string; description?: string; default?: string } = {}) =>
  Type.String({ ...options, format: 'jsonata', minLength: 1, maxLength: FLOW_LIMITS.maxExpressionLength });

export const SafeId = (options: { title?: string; description?: string } = {}) =>
  Type.String({ ...options, pattern: SAFE_ID_PATTERN });

export const PortName = Type.String({ pattern: PORT_NAME_PATTERN });

const MAX_DELAY_MS = 7 * 24 * 3_600_000;

export const BackoffSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('fixed'), Type.Literal('exponential')], { default: 'exponential' }),
    delayMs: Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS, description: 'First delay; doubles each attempt when exponential.' }),
    maxDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DELAY_MS, description: 'Upper bound of any one delay.' })),
    jitter: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Fraction of each delay randomised (0 = none, 1 = full).' })),
  },
  { additionalProperties: false },
);

export const RetrySchema = Type.Object(
  {
    attempts: Type.Integer({ minimum: 1, maximum: 100, description: 'Total attempts, the first included.' }),
    backoff: Type.Optional(BackoffSchema),
  },
  { additionalProperties: false },
);

export const IdempotencySchema = Type.Object(
  {
    key: Expression({ description: 'JSONata over the message; a key this node already processed within the TTL is skipped.' }),
    ttlSec: Type.Integer({ minimum: 1, maximum: 90 * 86_400, default: 86_400 }),
  },
  { additionalProperties: false },
);

export const CircuitBreakerSchema = Type.Object(
  {
    threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Consecutive transient failures that open the circuit.' })),
    resetMs: Type.Optional(Type.Integer({ minimum: 100, maximum: MAX_DELAY_MS, description: 'How long it stays open before a half-open probe.' })),
    halfOpenProbes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Successful probes that close it again.' })),
    enabled: Type.Optional(Type.Boolean({ description: 'False turns off the breaker a sink has by default.' })),
  },
  { additionalProperties: false },
);

export const RateLimitSchema = Type.Object(
  {
    requests: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Requests this node may send per interval, over all workers together.' }),
    intervalMs: Type.Integer({ minimum: 100, maximum: 86_400_000, description: 'The interval (a sliding window).' }),
  },
  { additionalProperties: false },
);

export const RedriveSchema = Type.Object(
  {
    intervalMs: Type.Integer({ minimum: 1000, maximum: 7 * 86_400_000, description: 'How long a dead letter of this node waits before it is replayed automatically.' }),
    maxRedrives: Type.Integer({ minimum: 1, maximum: 100, description: 'Automatic replays at most; past them the letter stays for a person.' }),
  },
  { additionalProperties: false },
);

export const OnErrorSchema = Type.Union(
  [Type.Literal('dead-letter'), Type.Literal('error'), Type.Literal('drop')],
  { description: 'What happens when the node fails for good: keep it in the dead letters, route it to the `error` port, or drop it (traced).' },
);

export const NodePolicySchema = Type.Object(
  {
    retry: Type.Optional(RetrySchema),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600_000 })),
    idempotency: Type.Optional(IdempotencySchema),
    onError: Type.Optional(OnErrorSchema),
    circuitBreaker: Type.Optional(CircuitBreakerSchema),
    rateLimit: Type.Optional(RateLimitSchema),
    redrive: Type.Optional(RedriveSchema),
  },
  { additionalProperties: false },
);

export const PositionSchema = Type.Object(
  { x: Type.Number({ minimum: -1e6, maximum: 1e6 }), y: Type.Number({ minimum: -1e6, maximum: 1e6 }) },
  { additionalProperties: false },
);

export const FlowNodeSchema = Type.Object(
  {
    id: SafeId(),
    type: Type.String({ pattern: NODE_TYPE_PATTERN }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    position: PositionSchema,
    config: Type.Record(Type.String(), Type.Unknown(), { description: "Checked against the node type's config schema." }),
    policy: Type.Optional(NodePolicySchema),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled node passes nothing on and starts nothing.' })),
    notes: Type.Optional(Type.String({ maxLength: 10_000 })),
  },
  { additionalProperties: false },
);

export const EndpointSchema = Type.Object({ node: SafeId(), port: PortName }, { additionalProperties: false });

export const FlowEdgeSchema = Type.Object(
  { id: SafeId(), from: EndpointSchema, to: EndpointSchema },
  { additionalProperties: false },
);

export const FlowSettingsSchema = Type.Object(
  {
    backlogLimit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'Waiting jobs above which sources pause and webhooks answer 503.' }),
    ),
  },
  { additionalProperties: false },
);

export const FlowDocumentSchema = Type.Object(
  {
    format: Type.Literal(FLOW_FORMAT),
    id: SafeId(),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    nodes: Type.Array(FlowNodeSchema, { maxItems: FLOW_LIMITS.maxNodes }),
    edges: Type.Array(FlowEdgeSchema, { maxItems: FLOW_LIMITS.maxEdges }),
    settings: Type.Optional(FlowSettingsSchema),
  },
  { additionalProperties: false, $id: 'https://tributary.dev/schemas/flow-v1.json', title: 'Tributary flow document (v1)' },
);

export type Backoff = Static<typeof BackoffSchema>;
export type RetryPolicy = Static<typeof RetrySchema>;
export type IdempotencyPolicy = Static<typeof IdempotencySchema>;
export type CircuitBreakerPolicy = Static<typeof CircuitBreakerSchema>;
export type OnError = Static<typeof OnErrorSchema>;
export type NodePolicy = Static<typeof NodePolicySchema>;
export type RateLimitPolicy = Static<typeof RateLimitSchema>;
export type RedrivePolicy = Static<typeof RedriveSchema>;
export type FlowNode = Static<typeof FlowNodeSchema>;
export type FlowEdge = Static<typeof FlowEdgeSchema>;
export type FlowSettings = Static<typeof FlowSettingsSchema>;
export type FlowDocument = Static<typeof FlowDocumentSchema>;

/** JSON Schema as plain data (TypeBox schemas are plain JSON Schema objects). */
export type JsonSchema = TSchema | Record<string, unknown>;
