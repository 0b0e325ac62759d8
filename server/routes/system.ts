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
        503: { description: 'Redis unreachable' },
      },
      handler: async (_req, res) => {
        try {
          await ctx.engine.redis.ping();
          res.json({ status: 'ok', redis: 'up', version: ctx.version, deployments: (await ctx.engine.deployed()).size });
        } catch {
          res.status(503).json({ status: 'degraded', redis: 'down', version: ctx.version, deployments: 0 });
        }
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
