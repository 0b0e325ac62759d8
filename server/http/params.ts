/** Reading request parameters with clear 400s instead of NaN or undefined deep inside. */
import type { Request } from 'express';
import { badRequest } from './problem';

export function intParam(req: Request, name: string): number {
  const n = Number(req.params[name]);
  if (!Number.isInteger(n) || n < 1) throw badRequest(`"${name}" must be a positive integer`);
  return n;
}

/** `If-Match: "3"` (or `3`, or `W/"3"`), else undefined (the route's `?revision` is the fallback). */
export function expectedRevision(req: Request): number | undefined {
  const header = req.headers['if-match'];
  const raw = typeof header === 'string' ? header.replace(/^W\//, '').replace(/"/g, '') : undefined;
  if (raw === undefined || raw === '*') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest('If-Match must be a revision number');
  return n;
}

export const param = (req: Request, name: string): string => String(req.params[name]);
