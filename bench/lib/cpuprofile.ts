/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by component (ioredis,
 * BullMQ, JSONata, JSON, trace and metrics code, GC, …) and inclusive time by project file, over
 * the samples inside a time window (the measured part of a run, not start-up).
 */

interface CallFrame {
  functionName: string;
  url: string;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Busy time in the window (idle excluded), ms. */
  busyMs: number;
  idleMs: number;
  /** Component → self time, ms, largest first. */
  components: Array<[string, number]>;
  /** Project file → time with that file on the stack, ms, largest first. */
  files: Array<[string, number]>;
  /** Native and Node-internal self time by the component that called it ("native ← caller"). */
  callers: Array<[string, number]>;
}

/** The repository root as profile URLs spell it (`file:///…/`), so paths read from it. */
const ROOT = new URL('../../', import.meta.url).href;
const relative = (url: string) => (url.startsWith(ROOT) ? url.slice(ROOT.length) : url);

const TRACE_AND_METRICS = ['/engine/tracer.ts', '/engine/stores/runs.ts', '/engine/stores/runs-scripts.ts', '/engine/stores/metrics.ts', '/flows/preview.ts', '/flows/redact'];

/** The component a frame's self time belongs to. */
export function componentOf(frame: CallFrame): string {
  const { functionName } = frame;
  const url = relative(frame.url);
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return 'V8 / native (program)';
  if (url === '') return functionName === 'parse' || functionName === 'stringify' ? 'JSON' : `native: ${functionName || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (pkg === 'ioredis' || pkg === 'redis-parser' || pkg === 'denque' || pkg === 'cluster-key-slot' || pkg === 'standard-as-callback') return 'ioredis';
    if (pkg === 'bullmq' || pkg === 'msgpackr' || pkg === 'cron-parser') return 'BullMQ';
    if (pkg === 'jsonata') return 'JSONata';
    if (pkg === 'pino' || pkg === 'sonic-boom' || pkg === 'fast-redact' || pkg === 'pino-std-serializers') return 'pino (logging)';
    if (pkg === 're2js') return 'RE2 (regexes)';
    return pkg;
  }
  if (TRACE_AND_METRICS.some((p) => `/${url}`.includes(p))) return 'trace / metrics / run accounting code';
  for (const dir of ['engine', 'nodes', 'flows', 'server', 'bench']) if (url.startsWith(`${dir}/`)) return `project: ${dir}/`;
  const internal = /^node:(?:internal\/)?([^/]+)/.exec(url)?.[1];
  if (internal) return internal === 'net' || internal === 'stream_base_commons' || internal === 'streams' ? 'Node net / streams (socket I/O)' : `Node: ${internal}`;
  return url;
}

/** Project source file of a frame, or undefined for dependencies and Node itself. */
function projectFile(url: string): string | undefined {
  const path = relative(url);
  return path !== url && !path.startsWith('node_modules/') ? path : undefined;
}

/** Whether a frame is native or Node's own, i.e. its time is really its caller's. */
const isLowLevel = (c: string) => c.startsWith('native: ') || c.startsWith('Node') || c === 'JSON' || c === 'V8 / native (program)';

/** `window`: [start, end] in the profile's clock (µs, monotonic; `process.hrtime` in µs). */
export function summariseProfile(profile: CpuProfile, window?: [number, number]): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const components = new Map<string, number>();
  const files = new Map<string, number>();
  const callers = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (window && (t < window[0] || t > window[1])) continue;
    // A sample stands for the time until the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const component = componentOf(node.callFrame);
    if (component === '(idle)') {
      idle += ms;
      continue;
    }
    busy += ms;
    components.set(component, (components.get(component) ?? 0) + ms);
    if (isLowLevel(component)) {
      let caller = 'nothing (top of stack)';
      for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
        const c = componentOf(byId.get(id)!.callFrame);
        if (!isLowLevel(c) && c !== '(root)') {
          caller = c;
          break;
        }
      }
      const key = `${component.replace(/^native: /, '')} ← ${caller}`;
      callers.set(key, (callers.get(key) ?? 0) + ms);
    }
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const file = projectFile(byId.get(id)!.callFrame.url);
      if (file && !seen.has(file)) {
        seen.add(file);
        files.set(file, (files.get(file) ?? 0) + ms);
      }
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { busyMs: busy, idleMs: idle, components: sorted(components), files: sorted(files), callers: sorted(callers) };
}

export function formatSummary(s: ProfileSummary, top = 15): string {
  const pct = (ms: number) => `${((100 * ms) / s.busyMs).toFixed(1).padStart(5)} %`;
  const lines = [`busy ${(s.busyMs / 1000).toFixed(1)} s, idle ${(s.idleMs / 1000).toFixed(1)} s`, '', 'self time by component (share of busy time):'];
  for (const [name, ms] of s.components.slice(0, top)) lines.push(`  ${pct(ms)}  ${name}`);
  lines.push('', 'native and Node-internal self time by its caller:');
  for (const [name, ms] of s.callers.slice(0, 8)) lines.push(`  ${pct(ms)}  ${name}`);
  lines.push('', 'time with the project file on the stack (inclusive; files nest, so shares overlap):');
  for (const [name, ms] of s.files.slice(0, top)) lines.push(`  ${pct(ms)}  ${name}`);
  return lines.join('\n');
}
