/**
 * One route table: every route says its method, path, who may call it, what it takes and what it
 * answers — the same data builds the Express router, validates each request (body and query,
 * before the handler runs) and writes the OpenAPI document, so they can't drift.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Request, Response } from 'express';
import { ProblemDocumentSchema } from '../../contracts/api';

export interface RouteResponse {
  description: string;
  schema?: TSchema;
}

/** What the router checked, typed by the route's schemas. */
export interface RouteInput<B extends TSchema | undefined, Q extends TObject | undefined> {
  body: B extends TSchema ? Static<B> : undefined;
  query: Q extends TObject ? Static<Q> : Record<string, never>;
}

export interface RouteOf<B extends TSchema | undefined = TSchema | undefined, Q extends TObject | undefined = TObject | undefined> {
  method: 'get' | 'post' | 'put' | 'delete' | 'all';
  /** Express path (`/api/flows/:id`). */
  path: string;
  summary: string;
  tag: string;
  /** `token`: needs the API token when one is required; `webhook`: authenticated by the webhook node itself. */
  auth: 'token' | 'webhook';
  params?: Record<string, string>;
  /** Query parameters: each property one parameter, its string coerced to the property's type; defaults filled in. */
  query?: Q;
  /** The JSON body. A body left out is `{}` when the schema requires nothing. */
  body?: B;
  responses: Record<number, RouteResponse>;
  handler(req: Request, res: Response, input: RouteInput<B, Q>): Promise<unknown> | unknown;
}

// The table holds routes of every body and query type; each was type-checked where it was written.
export type Route = RouteOf<any, any>;

/** An object schema that requires nothing: its body may be left out (it is then `{}`). */
export const requiresNothing = (schema: TSchema): boolean => schema.type === 'object' && ((schema.required as unknown[] | undefined) ?? []).length === 0;

/** A route, its handler's input typed by its schemas. */
export const route = <B extends TSchema | undefined = undefined, Q extends TObject | undefined = undefined>(definition: RouteOf<B, Q>): Route => definition;

export const defineRoutes = (routes: Route[]): Route[] => routes;

/** A problem+json answer of a route, as the OpenAPI document lists it. */
export const problem = (description: string): RouteResponse => ({ description, schema: ProblemDocumentSchema });
