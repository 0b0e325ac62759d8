/** Flows: CRUD with revisions, import/export, deploy, undeploy, rollback. */
import { Type } from '@sinclair/typebox';
import { DeployBody, DeployResultSchema, FlowBody, FlowSummarySchema, FlowViewSchema, ImportBody, ImportedFlowSchema, ImportQuery, SaveQuery, UndeployResultSchema } from '../../contracts/api';
import { FlowDocumentSchema } from '../../flows/schema';
import type { ServerContext } from '../context';
import { expectedRevision, intParam, param } from '../http/params';
import { defineRoutes, problem, route } from '../http/route';

export const flowRoutes = (ctx: ServerContext) =>
  defineRoutes([
    route({
      method: 'get',
      path: '/api/flows',
      tag: 'flows',
      summary: 'List saved flows with their latest and deployed revisions',
      auth: 'token',
      responses: { 200: { description: 'flows', schema: Type.Array(FlowSummarySchema) } },
      handler: async (_req, res) => res.json(await ctx.flows.list()),
    }),
    route({
      method: 'post',
      path: '/api/flows',
      tag: 'flows',
      summary: 'Create a flow (a draft with problems is saved and its problems listed)',
      auth: 'token',
      body: FlowBody,
      responses: { 201: { description: 'created', schema: FlowViewSchema }, 400: problem('not a flow document'), 409: problem('the id exists') },
      handler: async (_req, res, { body }) => {
        const view = await ctx.flows.create(body);
        res.status(201).set('ETag', `"${view.revision}"`).location(`/api/flows/${view.id}`).json(view);
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id',
      tag: 'flows',
      summary: 'A flow: its latest revision, problems and deployed revision',
      auth: 'token',
      params: { id: 'flow id' },
      responses: { 200: { description: 'the flow', schema: FlowViewSchema }, 404: problem('no such flow') },
      handler: async (req, res) => {
        const view = await ctx.flows.get(param(req, 'id'));
        res.set('ETag', `"${view.revision}"`).json(view);
      },
    }),
    route({
      method: 'put',
      path: '/api/flows/:id',
      tag: 'flows',
      summary: 'Save a new revision; send If-Match (or ?revision) to refuse a stale update',
      auth: 'token',
      params: { id: 'flow id' },
      query: SaveQuery,
      body: FlowBody,
      responses: { 200: { description: 'saved (or unchanged)', schema: FlowViewSchema }, 400: problem('not a flow document'), 404: problem('no such flow'), 409: problem('stale revision; the current one is included') },
      handler: async (req, res, { body, query }) => {
        const { view } = await ctx.flows.save(param(req, 'id'), body, expectedRevision(req) ?? query.revision);
        res.set('ETag', `"${view.revision}"`).json(view);
      },
    }),
    route({
      method: 'delete',
      path: '/api/flows/:id',
      tag: 'flows',
      summary: 'Delete a flow that is not deployed',
      auth: 'token',
      params: { id: 'flow id' },
      responses: { 204: { description: 'deleted' }, 404: problem('no such flow'), 409: problem('deployed; undeploy first') },
      handler: async (req, res) => {
        await ctx.flows.delete(param(req, 'id'));
        res.status(204).end();
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/revisions',
      tag: 'flows',
      summary: 'Saved revisions of a flow, oldest first',
      auth: 'token',
      params: { id: 'flow id' },
      responses: { 200: { description: 'revisions', schema: Type.Array(FlowSummarySchema) }, 404: problem('no such flow') },
      handler: async (req, res) => res.json(await ctx.flows.revisions(param(req, 'id'))),
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/revisions/:revision',
      tag: 'flows',
      summary: 'One saved revision of a flow',
      auth: 'token',
      params: { id: 'flow id', revision: 'revision number' },
      responses: { 200: { description: 'the revision', schema: FlowViewSchema }, 404: problem('no such revision') },
      handler: async (req, res) => res.json(await ctx.flows.revision(param(req, 'id'), intParam(req, 'revision'))),
    }),
    route({
      method: 'post',
      path: '/api/flows/import',
      tag: 'flows',
      summary: 'Import one flow document or an array; on an existing id refuse (onConflict=fail) or copy under a new id (onConflict=copy)',
      auth: 'token',
      query: ImportQuery,
      body: ImportBody,
      responses: { 201: { description: 'imported, each with its problems', schema: Type.Array(ImportedFlowSchema) }, 400: problem('not flow documents'), 409: problem('ids exist') },
      handler: async (_req, res, { body, query }) => {
        res.status(201).json(await ctx.flows.import(body, query.onConflict));
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/export',
      tag: 'flows',
      summary: 'The flow document, ready to import elsewhere (credentials are referenced by name only)',
      auth: 'token',
      params: { id: 'flow id' },
      responses: { 200: { description: 'the document', schema: FlowDocumentSchema }, 404: problem('no such flow') },
      handler: async (req, res) => {
        const doc = await ctx.flows.export(param(req, 'id'));
        res.set('Content-Disposition', `attachment; filename="${doc.id}.json"`).json(doc);
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/deploy',
      tag: 'deployments',
      summary: 'Deploy the latest revision, or `{ "revision": n }` to roll back to an earlier one',
      auth: 'token',
      params: { id: 'flow id' },
      body: DeployBody,
      responses: {
        200: { description: 'deployed (changed: false when it already was)', schema: DeployResultSchema },
        400: problem('not a deploy body'),
        404: problem('no such flow or revision'),
        422: problem('the flow has problems'),
      },
      handler: async (req, res, { body }) => res.json(await ctx.flows.deploy(param(req, 'id'), body.revision)),
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/undeploy',
      tag: 'deployments',
      summary: 'Stop taking messages in; what is in flight drains',
      auth: 'token',
      params: { id: 'flow id' },
      responses: { 200: { description: 'undeployed', schema: UndeployResultSchema } },
      handler: async (req, res) => res.json({ flowId: param(req, 'id'), undeployed: await ctx.flows.undeploy(param(req, 'id')) }),
    }),
  ]);
