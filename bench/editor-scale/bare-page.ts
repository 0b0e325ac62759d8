/**
 * Builds the bare React Flow page (bare-page/main.tsx) with esbuild into a temp directory and
 * serves it on a free loopback port, together with the benchmark's flow documents at
 * `/flows/<id>.json`.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { FlowDocument } from '../../flows/schema';

const ENTRY = fileURLToPath(new URL('./bare-page/main.tsx', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

export interface BarePage {
  /** The page showing `flowId` (which must have been given to {@link BarePage.addFlow}). */
  urlFor(flowId: string): string;
  addFlow(doc: FlowDocument): void;
  close(): Promise<void>;
}

export async function startBarePage(): Promise<BarePage> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bare-page-'));
  await build({
    entryPoints: { main: ENTRY },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: dir,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>bare React Flow</title><link rel="stylesheet" href="/main.css">' +
      '<style>html,body{margin:0}</style></head><body><div id="root"></div><script type="module" src="/main.js"></script></body></html>',
  );
  const flows = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const flow = /^\/flows\/([\w-]+)\.json$/.exec(path);
    let body: string | Buffer | undefined;
    if (flow) body = flows.get(flow[1]!);
    else if (path === '/' || path === '/main.js' || path === '/main.css') {
      try {
        body = readFileSync(join(dir, path === '/' ? 'index.html' : path.slice(1)));
      } catch {
        body = undefined;
      }
    }
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[flow ? '.json' : extname(path) || '.html'] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urlFor: (flowId) => `${base}/?flow=${encodeURIComponent(`/flows/${flowId}.json`)}`,
    addFlow: (doc) => void flows.set(doc.id, JSON.stringify(doc)),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
