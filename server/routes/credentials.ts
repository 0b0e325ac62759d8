/**
 * Named credentials. Secrets are write-only: a PUT stores one (encrypted by the engine's
 * credential store), and nothing — no listing, no answer, no log line, no problem detail — ever
 * carries a secret back out.
 */
import { Type } from '@sinclair/typebox';
import type { Request } from 'express';
import { SAFE_ID_PATTERN, SAFE_ID } from '../../flows/limits';
import type { ServerContext } from '../context';
import { param } from '../http/params';
import { badRequest, notFound } from '../http/problem';
import { CredentialBody, CredentialInfoSchema, CredentialStoredSchema } from '../../contracts/api';
import { defineRoutes, problem, route } from '../http/route';

function nameParam(req: Request): string {
  const name = param(req, 'name');
  if (!SAFE_ID.test(name)) throw badRequest(`a credential name must match ${SAFE_ID_PATTERN}`);
  return name;
}

export const credentialRoutes = (ctx: ServerContext) =>
  defineRoutes([
    route({
      method: 'get',
      path: '/api/credentials',
      tag: 'credentials',
      summary: 'Stored credentials: names and types only, never a secret',
      auth: 'token',
      responses: { 200: { description: 'credentials', schema: Type.Array(CredentialInfoSchema) } },
      handler: async (_req, res) => res.json(await ctx.engine.credentials.list()),
    }),
    route({
      method: 'put',
      path: '/api/credentials/:name',
      tag: 'credentials',
      summary: 'Store a credential under a name (replacing one of that name); the answer never echoes the secret',
      auth: 'token',
      params: { name: 'credential name (letters, digits, `_.-`)' },
      body: CredentialBody,
      responses: {
        200: { description: 'stored', schema: CredentialStoredSchema },
        400: problem('a bad name, or not a credential'),
      },
      handler: async (req, res, { body: credential }) => {
        const name = nameParam(req);
        await ctx.engine.credentials.put(name, credential);
        res.json({ name, type: credential.type });
      },
    }),
    route({
      method: 'delete',
      path: '/api/credentials/:name',
      tag: 'credentials',
      summary: 'Delete a credential (flows naming it then report it missing)',
      auth: 'token',
      params: { name: 'credential name' },
      responses: { 204: { description: 'deleted' }, 404: problem('no such credential') },
      handler: async (req, res) => {
        const name = param(req, 'name');
        if (!SAFE_ID.test(name) || !(await ctx.engine.credentials.delete(name))) throw notFound(`no credential "${name.slice(0, 80)}"`);
        res.status(204).end();
      },
    }),
  ]);
