/**
 * Named credentials. Secrets are write-only: a PUT stores one (encrypted by the engine's
 * credential store), and nothing — no listing, no answer, no log line, no problem detail — ever
 * carries a secret back out.
 */
import { Type } from '@sinclair/typebox';
import type { Request } from 'express';
import { validatorFor } from '../../flows/ajv';
import { SAFE_ID_PATTERN, SAFE_ID } from '../../flows/limits';
import type { Credential } from '../../contracts/credentials';
import type { ServerContext } from '../context';
import { checkBody } from '../http/body';
import { param } from '../http/params';
import { badRequest, notFound } from '../http/problem';
import { CredentialBodies, CredentialBody, CredentialInfoSchema, CredentialStoredSchema } from '../../contracts/api';
import { defineRoutes, problem } from '../http/route';

const TYPES = Object.keys(CredentialBodies) as Array<keyof typeof CredentialBodies>;

function nameParam(req: Request): string {
  const name = param(req, 'name');
  if (!SAFE_ID.test(name)) throw badRequest(`a credential name must match ${SAFE_ID_PATTERN}`);
  return name;
}

/**
 * The body as a credential, checked against the union of the four types; when it fails, the
 * problems come from the type it names (or say the type is unknown), which reads far better
 * than "matches none of the alternatives".
 */
function credentialOf(body: unknown): Credential {
  if (validatorFor(CredentialBody)(body)) return body as Credential;
  const type = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { type?: unknown }).type : undefined;
  const known = TYPES.find((t) => t === type);
  if (!known) {
    throw badRequest('the body is not a credential', [{ pointer: '/type', code: 'shape', message: `must be one of ${TYPES.map((t) => `"${t}"`).join(', ')}` }]);
  }
  return checkBody(CredentialBodies[known], body, `the ${known} credential`) as Credential;
}

export const credentialRoutes = (ctx: ServerContext) =>
  defineRoutes([
    {
      method: 'get',
      path: '/api/credentials',
      tag: 'credentials',
      summary: 'Stored credentials: names and types only, never a secret',
      auth: 'token',
      responses: { 200: { description: 'credentials', schema: Type.Array(CredentialInfoSchema) } },
      handler: async (_req, res) => res.json(await ctx.engine.credentials.list()),
    },
    {
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
      handler: async (req, res) => {
        const name = nameParam(req);
        const credential = credentialOf(req.body);
        await ctx.engine.credentials.put(name, credential);
        res.json({ name, type: credential.type });
      },
    },
    {
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
    },
  ]);
