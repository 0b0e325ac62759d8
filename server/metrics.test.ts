import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeServersAfterEach } from '../test/http-servers';
import type { TraceEvent } from '../flows/trace-events';
import { DURATION_BUCKETS_SEC } from '../engine/stores/metrics';
import { pipelineFlow } from '../test/live';
import { useServers } from '../test/server';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The one sample named `name` whose labels include `labels` (throws when there isn't exactly one). */
function sample(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples ${name}${JSON.stringify(labels)}`);
  return found[0]!.value;
}

const count = (events: TraceEvent[], flowId: string, type: TraceEvent['type'], nodeId?: string) =>
  events.filter((e) => e.data.flowId === flowId && e.type === type && (nodeId === undefined || ('nodeId' in e.data && e.data.nodeId === nodeId))).length;

describe('when Prometheus scrapes /metrics', () => {
  const t = useServers();

  it('reports per-node counts equal to the runs’ own, the same from every server process', async () => {
    const first = await t.startServer();
    const second = await t.startServer({ engine: { workers: false } });
    await first.engine.deploy(pipelineFlow('ok'), 1);
    await first.engine.deploy(pipelineFlow('bad', 'n > 1 ? $error("refused " & n) : { "n": n }'), 1);
    const published = await t.traces();
    for (let n = 0; n < 5; n++) await first.engine.trigger('ok', 'in', { n });
    for (let n = 0; n < 4; n++) await first.engine.trigger('bad', 'in', { n });
    await published.until((events) => events.filter((e) => e.type === 'run:finished').length === 9);

    const scraped = await first.api('GET', '/metrics');
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const samples = parseExposition(scraped.text);
    const map = { flow: 'ok', node: 'm', type: 'map' };
    expect(sample(samples, 'tributary_node_processed_total', map)).toBe(5);
    expect(sample(samples, 'tributary_node_processed_total', { flow: 'ok', node: 'out', type: 'log' })).toBe(5);
    expect(sample(samples, 'tributary_node_failed_total', map)).toBe(0);
    expect(sample(samples, 'tributary_runs_started_total', { flow: 'ok' })).toBe(5);
    expect(sample(samples, 'tributary_runs_finished_total', { flow: 'ok', status: 'completed' })).toBe(5);
    expect(sample(samples, 'tributary_flow_backlog', { flow: 'ok' })).toBe(0);
    expect(sample(samples, 'tributary_flow_deployed_revision', { flow: 'bad' })).toBe(1);

    // The failing flow: n = 2 and 3 are refused (permanent: no retry) and dead-lettered.
    const bad = { flow: 'bad', node: 'm', type: 'map' };
    const events = published.events;
    expect(sample(samples, 'tributary_node_processed_total', bad)).toBe(2);
    expect(sample(samples, 'tributary_node_failed_total', bad)).toBe(2);
    expect(sample(samples, 'tributary_node_dead_lettered_total', bad)).toBe(2);
    expect(sample(samples, 'tributary_node_retried_total', bad)).toBe(0);
    expect(sample(samples, 'tributary_node_dead_lettered_total', bad)).toBe(count(events, 'bad', 'node:dead-lettered', 'm'));
    expect(sample(samples, 'tributary_node_processed_total', { flow: 'bad', node: 'out', type: 'log' })).toBe(count(events, 'bad', 'node:completed', 'out'));
    expect(sample(samples, 'tributary_runs_finished_total', { flow: 'bad', status: 'failed' })).toBe(2);
    expect(sample(samples, 'tributary_runs_finished_total', { flow: 'bad', status: 'completed' })).toBe(2);

    // Durations: one histogram series per outcome, cumulative buckets ending in +Inf = count.
    const completed = { ...map, outcome: 'completed' };
    const buckets = samples.filter((s) => s.name === 'tributary_node_duration_seconds_bucket' && s.labels.flow === 'ok' && s.labels.node === 'm');
    expect(buckets.map((s) => s.labels.le)).toEqual([...DURATION_BUCKETS_SEC.map(String), '+Inf']);
    expect(buckets.map((s) => s.value)).toEqual([...buckets.map((s) => s.value)].sort((a, b) => a - b));
    expect(sample(samples, 'tributary_node_duration_seconds_bucket', { ...completed, le: '+Inf' })).toBe(5);
    expect(sample(samples, 'tributary_node_duration_seconds_count', completed)).toBe(5);
    const durationsMs = events.flatMap((e) => (e.type === 'node:completed' && e.data.flowId === 'ok' && e.data.nodeId === 'm' ? [e.data.durationMs] : []));
    expect(sample(samples, 'tributary_node_duration_seconds_sum', completed)).toBeCloseTo(durationsMs.reduce((a, b) => a + b, 0) / 1000, 6);
    expect(sample(samples, 'tributary_node_duration_seconds_count', { ...bad, outcome: 'failed' })).toBe(2);

    // The process that ran nothing reports the same totals: the counts live in Redis.
    const fromSecond = await second.api('GET', '/metrics');
    expect(fromSecond.status).toBe(200);
    expect(fromSecond.text).toBe(scraped.text);
  });

  it('reports the dead letters each node holds now and the state of each sink\'s circuit', async () => {
    const server = await t.startServer();
    const track = closeServersAfterEach();
    const down = track(http.createServer((_req, res) => res.writeHead(503).end()));
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
    await server.engine.deploy(pipelineFlow('held', 'n > 1 ? $error("refused " & n) : { "n": n }'), 1);
    const breaking = {
      ...pipelineFlow('breaking'),
      nodes: [
        ...pipelineFlow('breaking').nodes.filter((n) => n.id !== 'out'),
        { id: 'out', type: 'http-request', position: { x: 400, y: 0 }, config: { url: `"${origin}/down"` }, policy: { retry: { attempts: 1 }, circuitBreaker: { threshold: 1, resetMs: 600_000 } } },
      ],
    };
    await server.engine.deploy(breaking, 1);
    const published = await t.traces();
    for (let n = 0; n < 4; n++) await server.engine.trigger('held', 'in', { n });
    await server.engine.trigger('breaking', 'in', { n: 1 });
    await published.until((events) => events.filter((e) => e.type === 'run:finished').length === 5);

    let samples = parseExposition((await server.api('GET', '/metrics')).text);
    expect(sample(samples, 'tributary_node_dead_letters', { flow: 'held', node: 'm', type: 'map' })).toBe(2);
    expect(sample(samples, 'tributary_node_dead_letters', { flow: 'breaking', node: 'out', type: 'http-request' })).toBe(1);
    const circuit = (flow: string, state: string) => sample(samples, 'tributary_node_circuit_state', { flow, node: 'out', state });
    expect([circuit('breaking', 'open'), circuit('breaking', 'half-open'), circuit('breaking', 'closed')]).toEqual([1, 0, 0]);
    expect([circuit('held', 'open'), circuit('held', 'half-open'), circuit('held', 'closed')]).toEqual([0, 0, 1]);

    // Held means now: a discarded letter is no longer counted.
    const [letter] = (await server.engine.deadLetters.list('held')).items;
    await server.engine.deadLetters.discard('held', letter!.id);
    samples = parseExposition((await server.api('GET', '/metrics')).text);
    expect(sample(samples, 'tributary_node_dead_letters', { flow: 'held', node: 'm', type: 'map' })).toBe(1);
  });

  it('reports the backlog of a deployed flow and leaves out flows that are not deployed', async () => {
    const apiOnly = await t.startServer({ engine: { workers: false } });
    await apiOnly.engine.deploy(pipelineFlow('waiting'), 1);
    for (let n = 0; n < 3; n++) await apiOnly.engine.trigger('waiting', 'in', { n });
    const samples = parseExposition((await apiOnly.api('GET', '/metrics')).text);
    expect(sample(samples, 'tributary_flow_backlog', { flow: 'waiting' })).toBe(3);
    expect(sample(samples, 'tributary_runs_started_total', { flow: 'waiting' })).toBe(3);
    await apiOnly.engine.undeploy('waiting');
    const after = parseExposition((await apiOnly.api('GET', '/metrics')).text);
    expect(after.filter((s) => s.labels.flow === 'waiting')).toEqual([]);
  });

  it('needs the token when one is configured', async () => {
    const { api } = await t.startServer({ token: 'metrics-token' });
    expect((await api('GET', '/metrics')).status).toBe(401);
    expect((await api('GET', '/metrics', undefined, { Authorization: 'Bearer metrics-token' })).status).toBe(200);
  });
});
