/** The node catalogue, health and the OpenAPI document. */
import { Type } from '@sinclair/typebox';
import type { ServerContext } from '../context';
import { HealthSchema, NodeTypeSpecSchema } from '../../contracts/api';
import { defineRoutes, type Route } from '../http/route';
import { openApiDocument } from '../openapi';

export const systemRoutes = (ctx: ServerContext, allRoutes: () => readonly Route[]) =>
  defineRoutes([
    {
      method: 'get',
      path: '/api/nodes',
      tag: 'catalogue',
      summary: 'The node catalogue: every node type with its config schema, ports, docs and default policy',
      auth: 'token',
      responses: { 200: { description: 'node specs', schema: Type.Array(NodeTypeSpecSchema) } },
      handler: (_req, res) => res.json(ctx.specs),
    },
    {
      method: 'get',
      path: '/api/health',
      tag: 'system',
      summary: 'Whether this process and its Redis are up',
      auth: 'token',
      responses: {
        200: { description: 'up', schema: HealthSchema },
        503: { description: 'degraded: `down` lists what is unreachable (`redis`)' },
      },
      handler: async (_req, res) => {
        try {
          await ctx.engine.redis.ping();
          res.json({ status: 'ok', redis: 'up', down: [], version: ctx.version, deployments: (await ctx.engine.deployed()).size });
        } catch {
          res.status(503).set('Retry-After', '1').json({ status: 'degraded', redis: 'down', down: ['redis'], version: ctx.version, deployments: 0 });
        }
      },
    },
    {
      method: 'get',
      path: '/api/health/live',
      tag: 'system',
      summary: 'Liveness: 200 while this process runs and serves requests, whatever Redis does (restart the process only when this fails)',
      auth: 'token',
      responses: { 200: { description: 'alive', schema: Type.Object({ status: Type.Literal('alive') }) } },
      handler: (_req, res) => res.json({ status: 'alive' }),
    },
    {
      method: 'get',
      path: '/api/health/ready',
      tag: 'system',
      summary: 'Readiness: 200 when this process can do its work (Redis reachable), else 503 with Retry-After (send it no traffic until then)',
      auth: 'token',
      responses: {
        200: { description: 'ready', schema: Type.Object({ status: Type.Literal('ready'), redis: Type.Literal('up') }) },
        503: { description: 'not ready: Redis unreachable' },
      },
      handler: async (_req, res) => {
        await ctx.engine.redis.ping();
        res.json({ status: 'ready', redis: 'up' });
      },
    },
    {
      method: 'get',
      path: '/api/openapi.json',
      tag: 'system',
      summary: 'This API, described by OpenAPI 3.1 (generated from the route table)',
      auth: 'token',
      responses: { 200: { description: 'the OpenAPI document' } },
      handler: (_req, res) => res.json(openApiDocument(allRoutes(), ctx.version)),
    },
  ]);
