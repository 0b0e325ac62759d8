/**
 * Who may talk to the API.
 * - Bound to loopback (the default), only this machine can connect — but a web page in the
 *   user's browser could still try, directly or by DNS rebinding. So every request's `Host` must
 *   name loopback, and a request carrying an `Origin` must come from this server's own origin
 *   (or one configured for CORS).
 * - Bound to anything else, `TRIBUTARY_TOKEN` is required to start at all, and every route but
 *   the webhooks needs it (`Authorization: Bearer …`).
 * - A browser request from another site without an Origin (an <img>) passes the Origin check, so
 *   webhooks without auth refuse it themselves (markCrossSite).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { sameSecret } from '../../nodes/shared/same-secret';
import { isLoopback } from '../loopback';
import { HttpError } from './problem';

export interface SecurityOptions {
  host: string;
  /** The port actually listened on (known after listen when 0 was asked). */
  port(): number;
  token?: string;
  corsOrigins: readonly string[];
}


/** Refuses a configuration that would expose the API without a token. */
export function assertSafeBinding(options: { host: string; token?: string }): void {
  if (!isLoopback(options.host) && !options.token) {
    throw new Error(`refusing to listen on ${options.host} without TRIBUTARY_TOKEN: anyone who can reach it could deploy flows. Set TRIBUTARY_TOKEN, or bind to 127.0.0.1.`);
  }
}

/** Splits a Host header into name and port (`[::1]:8400` → `::1`, `8400`). */
function parseHost(header: string): { name: string; port: string } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(header);
  if (!match) return undefined;
  return { name: match[1]!.replace(/^\[|\]$/g, '').toLowerCase(), port: match[2] ?? '80' };
}

export function hostAndOrigin(options: SecurityOptions): RequestHandler {
  return (req, _res, next) => {
    const host = parseHost(req.headers.host ?? '');
    if (isLoopback(options.host)) {
      if (!host || !isLoopback(host.name) || host.port !== String(options.port())) {
        return next(new HttpError(403, 'Forbidden host', `this server answers only to loopback names on port ${options.port()}; Host was "${req.headers.host ?? ''}"`));
      }
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !options.corsOrigins.includes(origin)) {
      let same = false;
      try {
        const url = new URL(origin);
        same = url.host === req.headers.host && (url.protocol === 'http:' || url.protocol === 'https:');
      } catch {
        same = false;
      }
      if (!same) return next(new HttpError(403, 'Forbidden origin', `requests from origin "${origin}" are not accepted`));
    }
    next();
  };
}

/**
 * Whether a browser sent the request from another site (Fetch Metadata `Sec-Fetch-Site:
 * cross-site`) and its Origin — absent for an <img> or a link — is not one the server trusts.
 */
export function untrustedCrossSite(headers: IncomingHttpHeaders, corsOrigins: readonly string[]): boolean {
  if (headers['sec-fetch-site'] !== 'cross-site') return false;
  return headers.origin === undefined || !corsOrigins.includes(headers.origin);
}

/** Marks untrusted cross-site requests (res.locals.crossSite) for routes that authenticate themselves. */
export function markCrossSite(options: SecurityOptions): RequestHandler {
  return (req, res, next) => {
    res.locals.crossSite = untrustedCrossSite(req.headers, options.corsOrigins);
    next();
  };
}

/** Checks a bearer token (or Socket.IO's handshake token) against the configured one. */
export function tokenMatches(given: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  return given !== undefined && sameSecret(given, token);
}

export function requireToken(options: SecurityOptions): RequestHandler {
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!tokenMatches(given, options.token)) {
      return next(new HttpError(401, 'Unauthorized', 'this server needs its API token: send `Authorization: Bearer <TRIBUTARY_TOKEN>`', {}, { 'WWW-Authenticate': 'Bearer' }));
    }
    next();
  };
}
