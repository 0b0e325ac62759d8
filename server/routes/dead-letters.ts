/**
 * Dead letters: list (optionally one node's), inspect, replay (optionally with an edited payload)
 * into the same node of the deployed revision, discard — one by one, or all at once per node.
 */
import { Type } from '@sinclair/typebox';
import type { Request } from 'express';
import { DeadLetterSchema, DiscardAllResultSchema, NodeFilterBody, PageOf, ReplayAllResultSchema, ReplayBody, ReplayResultSchema } from '../../contracts/api';
import type { ServerContext } from '../context';
import { param } from '../http/params';
import { conflict, notFound } from '../http/problem';
import { defineRoutes, problem, route } from '../http/route';
import { flowKnown, flowParam, PageQuery } from './lookups';

/** Letter ids are delivery job ids (hashes); anything else names no letter. */
const LETTER_ID = /^[A-Za-z0-9_-]{1,128}$/;

function letterParam(req: Request): string {
  const id = param(req, 'letterId');
  if (!LETTER_ID.test(id)) throw notFound(`no dead letter "${id.slice(0, 80)}"`);
  return id;
}

const LetterQuery = Type.Composite([PageQuery, Type.Object({ node: Type.Optional(Type.String({ description: "only this node's letters" })) })]);

const params = { id: 'flow id', letterId: 'dead letter id' };

export const deadLetterRoutes = (ctx: ServerContext) =>
  defineRoutes([
    route({
      method: 'get',
      path: '/api/flows/:id/dead-letters',
      tag: 'dead-letters',
      summary: "A flow's dead letters, newest first; `node` keeps one node's (a bounded walk: `partial` when it stopped early)",
      auth: 'token',
      params: { id: 'flow id' },
      query: LetterQuery,
      responses: { 200: { description: 'a page of dead letters', schema: PageOf(DeadLetterSchema) }, 400: problem('bad paging'), 404: problem('no such flow') },
      handler: async (req, res, { query: { node, ...page } }) => {
        const flowId = flowParam(req);
        const result = await ctx.engine.deadLetters.list(flowId, { ...page, ...(node !== undefined && { nodeId: node }) });
        if (result.total === 0 && !(await flowKnown(ctx, flowId))) throw notFound(`no flow "${flowId}"`);
        res.json({ ...result, ...page });
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/dead-letters/replay-all',
      tag: 'dead-letters',
      summary: "Replay every dead letter of the flow (`{ node }`: only that node's), oldest first; lists those that couldn't be",
      auth: 'token',
      params: { id: 'flow id' },
      body: NodeFilterBody,
      responses: {
        200: { description: 'what was replayed and what was refused', schema: ReplayAllResultSchema },
        400: problem('not a filter'),
        409: problem('the flow is not deployed'),
      },
      handler: async (req, res, { body: filter }) => {
        const flowId = flowParam(req);
        if (!(await ctx.engine.deployed()).has(flowId)) throw conflict(`flow "${flowId}" is not deployed; deploy it to replay`);
        res.json(await ctx.engine.deadLetters.replayAll(flowId, filter.node === undefined ? {} : { nodeId: filter.node }));
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/dead-letters/discard-all',
      tag: 'dead-letters',
      summary: 'Discard every dead letter of the flow (`{ node }`: only that node\'s)',
      auth: 'token',
      params: { id: 'flow id' },
      body: NodeFilterBody,
      responses: { 200: { description: 'how many were discarded', schema: DiscardAllResultSchema }, 400: problem('not a filter') },
      handler: async (req, res, { body: filter }) => {
        const flowId = flowParam(req);
        res.json({ discarded: await ctx.engine.deadLetters.discardAll(flowId, filter.node === undefined ? {} : { nodeId: filter.node }) });
      },
    }),
    route({
      method: 'get',
      path: '/api/flows/:id/dead-letters/:letterId',
      tag: 'dead-letters',
      summary: 'One dead letter: the message, node, revision, error, attempts and times',
      auth: 'token',
      params,
      responses: { 200: { description: 'the letter', schema: DeadLetterSchema }, 404: problem('no such letter') },
      handler: async (req, res) => {
        const flowId = flowParam(req);
        const id = letterParam(req);
        const letter = await ctx.engine.deadLetters.get(flowId, id);
        if (!letter) throw notFound(`no dead letter "${id}" in flow "${flowId}"`);
        res.json(letter);
      },
    }),
    route({
      method: 'post',
      path: '/api/flows/:id/dead-letters/:letterId/replay',
      tag: 'dead-letters',
      summary: 'Replay a letter into the same node of the deployed revision; `{ payload }` replays an edited payload',
      auth: 'token',
      params,
      body: ReplayBody,
      responses: {
        202: { description: 'enqueued again; the letter is gone and its run running again', schema: ReplayResultSchema },
        400: problem('not a replay body'),
        404: problem('no such letter'),
        409: problem('the flow is not deployed, or its node is gone'),
      },
      handler: async (req, res, { body }) => {
        const flowId = flowParam(req);
        const id = letterParam(req);
        const edit = Object.hasOwn(body, 'payload') ? { payload: body.payload } : undefined;
        const result = await ctx.engine.deadLetters.replay(flowId, id, edit);
        res.status(202).location(`/api/runs/${encodeURIComponent(result.runId)}`).json(result);
      },
    }),
    route({
      method: 'delete',
      path: '/api/flows/:id/dead-letters/:letterId',
      tag: 'dead-letters',
      summary: 'Discard a dead letter',
      auth: 'token',
      params,
      responses: { 204: { description: 'discarded' }, 404: problem('no such letter') },
      handler: async (req, res) => {
        const flowId = flowParam(req);
        const id = letterParam(req);
        if (!(await ctx.engine.deadLetters.discard(flowId, id))) throw notFound(`no dead letter "${id}" in flow "${flowId}"`);
        res.status(204).end();
      },
    }),
  ]);
