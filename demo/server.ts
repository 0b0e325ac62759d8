/**
 * The demo services in one small HTTP server on loopback: what `npm start` runs beside Tributary
 * (unless `TRIBUTARY_DEMO=off`) so the example flows have something real to talk to. Its URLs
 * reach the flows as flow variables (`DEMO_URL`, `CRM_URL`…), and HTTP nodes reach it only
 * because loopback is on the outbound allow-list.
 *
 * Besides the services: `GET /` a page with the knobs, `GET /stats`, `PUT /knobs/<service>`,
 * `PUT /crm/rate-limit` `{requests, windowMs}`, `POST /reset` (optionally `{customers, products}`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { changedKnobs, KnobError } from './knobs';
import { DEMO_PAGE } from './page';
import { serviceRoutes } from './services';
import { DemoState, SERVICES, type DemoSeed, type ServiceName } from './state';

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly state: DemoState;
  /** The flow variables naming each service: `DEMO_URL`, `CRM_URL`, `INVENTORY_URL`… */
  variables(): Record<string, string>;
  close(): Promise<void>;
}

export interface DemoOptions extends DemoSeed {
  /** Default 127.0.0.1: the demo is for this machine only. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

export function demoApp(state: DemoState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.get('/', (_req, res) => {
    res.type('html').send(DEMO_PAGE);
  });
  app.get('/stats', (_req, res) => {
    res.json(state.stats());
  });
  app.put('/knobs/:service', (req, res) => {
    const service = SERVICES.find((s) => s === req.params.service) as ServiceName | undefined;
    if (!service) return void res.status(404).json({ error: `no service "${String(req.params.service).slice(0, 40)}"; services: ${SERVICES.join(', ')}` });
    try {
      state.knobs.set(service, changedKnobs(state.knobs.get(service)!, req.body));
    } catch (error) {
      if (!(error instanceof KnobError)) throw error;
      return void res.status(400).json({ error: error.message });
    }
    res.json(state.knobs.get(service));
  });
  app.put('/crm/rate-limit', (req, res) => {
    const { requests, windowMs } = (req.body ?? {}) as Record<string, unknown>;
    if (!Number.isInteger(requests) || !Number.isInteger(windowMs) || (requests as number) < 1 || (windowMs as number) < 100) {
      return void res.status(400).json({ error: 'requests (≥ 1) and windowMs (≥ 100) must be integers' });
    }
    state.rateLimit = { requests: requests as number, windowMs: windowMs as number };
    res.json(state.rateLimit);
  });
  app.post('/reset', (req, res) => {
    const { customers, products } = (req.body ?? {}) as Record<string, unknown>;
    const count = (v: unknown) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100_000 ? (v as number) : undefined);
    state.reset({ customers: count(customers), products: count(products) });
    res.status(204).end();
  });
  app.use(serviceRoutes(state));
  return app;
}

export async function startDemo(options: DemoOptions = {}): Promise<DemoServer> {
  const state = new DemoState(options);
  const server = http.createServer(demoApp(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  return {
    url,
    state,
    variables: () => ({ DEMO_URL: url, ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, `${url}/${s}`])) }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
