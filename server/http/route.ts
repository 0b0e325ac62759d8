/**
 * One route table: every route says its method, path, who may call it, what it takes and what it
 * answers — the same data builds the Express router and the OpenAPI document, so they can't drift.
 */
import type { TSchema } from '@sinclair/typebox';
import type { Request, Response } from 'express';
import { ProblemDocumentSchema } from '../../contracts/api';

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

/** A problem+json answer of a route, as the OpenAPI document lists it. */
export const problem = (description: string): RouteResponse => ({ description, schema: ProblemDocumentSchema });

/** `?offset&limit` of a listing. */
export const PAGE_QUERY = {
  offset: { description: 'items to skip (default 0)', type: 'integer' },
  limit: { description: 'items to return, 1–1000 (default 50)', type: 'integer' },
} as const;
