/**
 * Who may open the live channel: the same rules as the HTTP API (server/http/security.ts).
 * - Every handshake request (polling and WebSocket upgrade alike) passes the API's `Host` and
 *   `Origin` checks, refused with 403 before Socket.IO does anything with it — so a web page on
 *   another origin, or one reached by DNS rebinding, gets nothing.
 * - When a token is configured, the connection needs it as `auth.token` (Socket.IO's CONNECT
 *   payload, not a header, so it isn't in the request `allowRequest` sees); refused otherwise
 *   with a connect error whose `data.status` is 401.
 */
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { Socket } from 'socket.io';
import { hostAndOrigin, tokenMatches, type SecurityOptions } from '../http/security';

type AllowRequest = (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void;

/** Engine.IO's `allowRequest`: the HTTP API's Host/Origin middleware, run on the handshake request. */
export function allowHandshake(security: SecurityOptions): AllowRequest {
  const check = hostAndOrigin(security);
  return (req, callback) => {
    // The middleware reads only `req.headers` and calls `next` synchronously; reusing it keeps
    // one definition of the rules.
    check(req as Request, undefined as unknown as Response, (error?: unknown) => {
      if (error) callback(error instanceof Error ? error.message : 'forbidden', false);
      else callback(null, true);
    });
  };
}

export interface UnauthorizedError extends Error {
  data: { status: 401; detail: string };
}

/** Socket.IO middleware: the handshake's `auth.token` must match the configured token, if any. */
export function requireHandshakeToken(security: SecurityOptions) {
  return (socket: Pick<Socket, 'handshake'>, next: (err?: Error) => void): void => {
    const given: unknown = socket.handshake.auth?.token;
    if (tokenMatches(typeof given === 'string' ? given : undefined, security.token)) return next();
    const error = new Error('unauthorized') as UnauthorizedError;
    error.data = { status: 401, detail: 'this server needs its API token: connect with `auth: { token }`' };
    next(error);
  };
}
