/** The flow documents the scenarios deploy. Payloads carry `t`, the send time, for latency. */
type Json = Record<string, unknown>;

const edge = (id: string, from: string, to: string, fromPort = 'out', toPort = 'in') => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

/** Default settings (back-pressure bound included): the bench runs flows as a user would. */
function flow(id: string, nodes: Json[], edges: Json[]): Json {
  return { format: 'tributary.flow/v1', id, name: id, nodes: nodes.map((n, i) => ({ position: { x: i * 200, y: 0 }, config: {}, ...n })), edges };
}

/** The transforms of the linear flow, shared with the bare Node server of the webhook scenario. */
export const MAP_1 = '{ "i": i, "t": t, "v": i * 2, "name": "m" & $string(i) }';
export const FILTER = 'v >= 0';
export const MAP_2 = '{ "i": i, "t": t, "total": v + 1, "name": name }';

/** The five nodes between a source and the log: source → map → filter → map → log. */
function linearNodes(source: Json): Json[] {
  return [
    source,
    { id: 'm1', type: 'map', config: { expression: MAP_1 } },
    { id: 'f', type: 'filter', config: { expression: FILTER } },
    { id: 'm2', type: 'map', config: { expression: MAP_2 } },
    { id: 'out', type: 'log', config: { level: 'info', value: 't' } },
  ];
}

const LINEAR_EDGES = [edge('e1', 'in', 'm1'), edge('e2', 'm1', 'f'), edge('e3', 'f', 'm2'), edge('e4', 'm2', 'out')];

/** inject → map → filter → map → log: five durable node steps per message. */
export const linearFlow = (id: string): Json => flow(id, linearNodes({ id: 'in', type: 'inject' }), LINEAR_EDGES);
export const LINEAR_STEPS = 5;

/** webhook POST <path> → map → log (the scenario 5). */
export const webhookFlow = (id: string, path: string): Json =>
  flow(
    id,
    [
      { id: 'in', type: 'webhook', config: { path } },
      { id: 'm1', type: 'map', config: { expression: MAP_1 } },
      { id: 'out', type: 'log', config: { level: 'info', value: 't' } },
    ],
    [edge('e1', 'in', 'm1'), edge('e2', 'm1', 'out')],
  );

/** Two injects → merge (window of `maxMessages`) → log. */
export const mergeWindowFlow = (id: string, maxMessages: number): Json =>
  flow(
    id,
    [
      { id: 'a', type: 'inject' },
      { id: 'b', type: 'inject' },
      { id: 'merge', type: 'merge', config: { mode: 'window', inputs: ['a', 'b'], maxMessages, windowMs: 1_000 } },
      { id: 'out', type: 'log', config: { level: 'info', value: '$count(a) + $count(b)' } },
    ],
    [edge('ea', 'a', 'merge', 'out', 'a'), edge('eb', 'b', 'merge', 'out', 'b'), edge('eo', 'merge', 'out')],
  );

/** inject → saga of three HTTP steps against `origin` → log. */
export const sagaFlow = (id: string, origin: string): Json =>
  flow(
    id,
    [
      { id: 'in', type: 'inject' },
      {
        id: 'saga',
        type: 'saga',
        config: {
          steps: ['reserve', 'charge', 'ship'].map((name) => ({
            name,
            action: { url: `"${origin}/${name}"`, body: '$' },
            compensation: { url: `"${origin}/${name}/undo"`, body: '{ "i": i }' },
          })),
        },
      },
      { id: 'out', type: 'log', config: { level: 'info', value: 'input.t' } },
    ],
    [edge('e1', 'in', 'saga'), edge('e2', 'saga', 'out', 'completed')],
  );
