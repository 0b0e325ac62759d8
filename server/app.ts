/**
 * The Express application: security first (Host/Origin checks, token, headers, body limits),
 * then the route table, then errors as `application/problem+json`.
 */
import { existsSync } from 'node:fs';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { ServerContext } from './context';
import { HttpError, problemMiddleware } from './http/problem';
import { checkBody, checkQuery } from './http/body';
import { requiresNothing, type Route } from './http/route';
import { hostAndOrigin, requireToken, type SecurityOptions } from './http/security';
import { redisGated } from './redis-gate';

export interface AppOptions {
  security: SecurityOptions;
  /** Largest request body accepted (default 1 MiB). */
  bodyLimit?: string;
  /** Built editor files to serve at `/`, when present. */
  editorDir?: string;
}

/** Routes that take a body parse it as JSON; webhooks keep the raw bytes (their signatures cover them). */
function bodyParser(route: Route, limit: string): RequestHandler[] {
  if (route.auth === 'webhook') return [express.raw({ type: () => true, limit })];
  return route.method === 'get' || route.method === 'delete' ? [] : [express.json({ limit, strict: false })];
}

/** The route's handler behind the checks of its own schemas: what it is handed was validated. */
function checked(route: Route): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const query = route.query ? checkQuery(route.query, req.query as Record<string, unknown>) : {};
    const sent = req.body === undefined && route.body && requiresNothing(route.body) ? {} : req.body;
    const body = route.body ? checkBody(route.body, sent) : undefined;
    await route.handler(req, res, { body, query });
  };
}

/** A Host header that is only a host name or address and a port, safe to put in a header. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** `ws://<Host>` (`wss:` over TLS) of this request; `'self'` again when the Host is anything odd. */
function ownWebSocketOrigin(req: express.Request): string {
  const host = req.headers.host ?? '';
  if (!PLAIN_HOST.test(host)) return "'self'";
  return `${req.secure ? 'wss' : 'ws'}://${host}`;
}

export function createApp(ctx: ServerContext, routes: readonly Route[], options: AppOptions): Express {
  const app = express();
  const limit = options.bodyLimit ?? '1mb';
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(
    helmet({
      // The editor is served from here; everything it loads comes from this origin.
      // script-src allows 'unsafe-eval', deliberately: the editor validates flows live with the very
      // validateFlow the server runs, and ajv compiles every schema into a function with
      // `new Function` — node config schemas arrive from GET /api/nodes at runtime and the validate
      // node's user-written JSON Schemas are compiled as they are typed, so they can't all be
      // precompiled at build time (rjsf's ajv validator compiles the same way). Only code from this
      // origin runs at all — no inline scripts, no other hosts — so eval can only ever compile what
      // the editor's own scripts hand it.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-eval'"],
          // The live channel (Socket.IO) on this very host, and nothing else: not `ws:`/`wss:`,
          // which would let a script talk to any WebSocket host. Spelled out because older
          // browsers don't count ws: of the same host as 'self'.
          connectSrc: ["'self'", (req) => ownWebSocketOrigin(req as express.Request)],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
        },
      },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  app.use(hostAndOrigin(options.security));
  // CORS is off unless origins are configured; hostAndOrigin has already refused any other origin.
  if (options.security.corsOrigins.length > 0) {
    app.use((req, res, next) => {
      const origin = req.headers.origin;
      if (origin === undefined || !options.security.corsOrigins.includes(origin)) return next();
      res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Allow-Credentials': 'false' });
      if (req.method !== 'OPTIONS') return next();
      res
        .set({
          'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match, Idempotency-Key',
          'Access-Control-Max-Age': '600',
        })
        .status(204)
        .end();
    });
  }
  const tokenCheck = requireToken(options.security);
  const redisReady = () => ctx.engine.redis.status === 'ready';
  for (const route of routes) {
    const guards = route.auth === 'token' ? [tokenCheck] : [];
    app[route.method](route.path, ...guards, ...bodyParser(route, limit), redisGated(checked(route), redisReady));
  }
  if (options.editorDir && existsSync(options.editorDir)) {
    app.use(express.static(options.editorDir, { index: 'index.html', fallthrough: true }));
  }
  app.use((req, _res, next) => next(new HttpError(404, 'Not found', `no route for ${req.method} ${req.path}`)));
  app.use(problemMiddleware(ctx.log));
  return app;
}
