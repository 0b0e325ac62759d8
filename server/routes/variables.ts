/**
 * Flow variables over REST: named per-server values that expressions read as `$env('NAME')`.
 * They are not secrets (those stay credentials), so a listing shows their values.
 */
import { Type } from '@sinclair/typebox';
import { VARIABLE_LIMITS, VARIABLE_NAME } from '../../flows/variables';
import { VariableError } from '../../engine/variables';
import { VariableBody, VariableSchema, VariableStoredSchema } from '../../contracts/api';
import type { ServerContext } from '../context';
import { param } from '../http/params';
import { badRequest, notFound } from '../http/problem';
import { defineRoutes, problem, route } from '../http/route';

function nameParam(name: string): string {
  if (!VARIABLE_NAME.test(name)) throw badRequest(`a variable name must match ${VARIABLE_NAME.source}`);
  return name;
}

export const variableRoutes = (ctx: ServerContext) =>
  defineRoutes([
    route({
      method: 'get',
      path: '/api/variables',
      tag: 'variables',
      summary: 'Flow variables of this server, what `$env(\'NAME\')` reads in any expression',
      auth: 'token',
      responses: { 200: { description: 'variables', schema: Type.Array(VariableSchema) } },
      handler: async (_req, res) => res.json(await ctx.engine.variables.list()),
    }),
    route({
      method: 'put',
      path: '/api/variables/:name',
      tag: 'variables',
      summary: `Set a flow variable; deployed flows see it within a second, without a redeploy (at most ${VARIABLE_LIMITS.maxCount}, ${VARIABLE_LIMITS.maxValueBytes} bytes each)`,
      auth: 'token',
      params: { name: 'variable name (letters, digits, `_`)' },
      body: VariableBody,
      responses: { 200: { description: 'stored', schema: VariableStoredSchema }, 400: problem('a bad name or value, or the store is full') },
      handler: async (req, res, { body: { value } }) => {
        const name = nameParam(param(req, 'name'));
        try {
          await ctx.engine.variables.put(name, value);
        } catch (error) {
          if (error instanceof VariableError) throw badRequest(error.message);
          throw error;
        }
        res.json({ name, value });
      },
    }),
    route({
      method: 'delete',
      path: '/api/variables/:name',
      tag: 'variables',
      summary: 'Delete a flow variable (deployed flows then read nothing for it; deploys report it missing)',
      auth: 'token',
      params: { name: 'variable name' },
      responses: { 204: { description: 'deleted' }, 404: problem('no such variable') },
      handler: async (req, res) => {
        const name = param(req, 'name');
        if (!VARIABLE_NAME.test(name) || !(await ctx.engine.variables.delete(name))) throw notFound(`no variable "${name.slice(0, 80)}"`);
        res.status(204).end();
      },
    }),
  ]);
