/**
 * One route table: every route says its method, path, who may call it, what it takes and what it
 * answers — the same data builds the Express router and the OpenAPI document, so they can't drift.
 */
import type { TSchema } from '@sinclair/typebox';
import type { Request, Response } from 'express';

export interface RouteResponse {
  description: string;
  schema?: TSchema | Record<string, unknown>;
}

export interface Route {
  method: 'get' | 'post' | 'put' | 'delete' | 'all';
  /** Express path (`/api/flows/:id`). */
  path: string;
  summary: string;
  tag: string;
  /** `token`: needs the API token when one is required; `webhook`: authenticated by the webhook node itself. */
  auth: 'token' | 'webhook';
  params?: Record<string, string>;
  query?: Record<string, { description: string; type: 'string' | 'integer' }>;
  body?: TSchema | Record<string, unknown>;
  responses: Record<number, RouteResponse>;
  handler(req: Request, res: Response): Promise<unknown> | unknown;
}

export const defineRoutes = (routes: Route[]): Route[] => routes;
