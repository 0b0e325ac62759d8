/**
 * http-reply — evaluates status, headers and body and stores them for the message's run, first
 * reply wins (engine/replies.ts reads it for the waiting webhook caller). Headers that would
 * change the framing or carry cookies are left out: the server sets those itself.
 */
import { PermanentError } from '../../errors';
import type { NodeRuntime } from '../../runtime';
import { compileField, evaluateField } from '../../shared/expressions';
import { REPLY_TTL_SEC, replyKey, type StoredReply } from '../../shared/reply';
import { MAX_REPLY_BYTES, type HttpReplyConfig } from './spec';

const REFUSED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'set-cookie', 'content-type']);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

/** KEYS[1] the reply · ARGV[1] the reply JSON, ARGV[2] TTL (s) · Output: 1 stored, 0 one was stored before. */
const STORE_FIRST = { name: 'storeFirstReply', lua: `return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') and 1 or 0` };

export const runtime: NodeRuntime<HttpReplyConfig> = {
  type: 'http-reply',
  prepare(ctx) {
    compileField(ctx, 'status', ctx.config.status);
    compileField(ctx, 'body', ctx.config.body);
    if (ctx.config.headers !== undefined) compileField(ctx, 'headers', ctx.config.headers);
  },
  async run(ctx, message) {
    const status = await evaluateField(ctx, message, 'status', ctx.config.status);
    if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599) {
      throw new PermanentError(`status: expected an HTTP status from 200 to 599, got ${JSON.stringify(status)?.slice(0, 40)}`, { code: 'BAD_STATUS' });
    }
    const headers: Record<string, string> = {};
    if (ctx.config.headers !== undefined) {
      const value = await evaluateField(ctx, message, 'headers', ctx.config.headers);
      if (value !== undefined) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PermanentError('headers: expected an object of header names to strings', { code: 'BAD_HEADERS' });
        for (const [name, v] of Object.entries(value)) {
          if (!HEADER_NAME.test(name) || REFUSED_HEADERS.has(name.toLowerCase())) continue;
          if (typeof v === 'string' || typeof v === 'number') headers[name] = String(v).replace(/[\r\n]/g, ' ').slice(0, 1000);
        }
      }
    }
    const body = (await evaluateField(ctx, message, 'body', ctx.config.body)) ?? null;
    let reply: StoredReply = { status: status as number, headers, body, nodeId: ctx.nodeId };
    if (Buffer.byteLength(JSON.stringify(reply)) > MAX_REPLY_BYTES) {
      reply = { status: 500, headers: {}, body: { error: `the reply is over ${MAX_REPLY_BYTES} bytes` }, nodeId: ctx.nodeId };
    }
    const stored = await ctx.state.atomic(STORE_FIRST, [replyKey(message.runId)], [JSON.stringify(reply), REPLY_TTL_SEC]);
    ctx.note({ status: reply.status, stored: stored === 1 });
    return [];
  },
};
