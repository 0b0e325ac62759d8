/**
 * log — evaluates `value` and writes it through `ctx.log[level]` with the run and message ids
 * (the engine's logger adds flow and node). A `value` of nothing is logged as `null`. Emits
 * nothing; redaction and size caps are the logger's and the trace's.
 */
import type { NodeRuntime } from '../../runtime';
import { compileField, evaluateField } from '../../shared/expressions';
import type { LogConfig } from './spec';

export const runtime: NodeRuntime<LogConfig> = {
  type: 'log',
  prepare(ctx) {
    compileField(ctx, 'value', ctx.config.value);
  },
  async run(ctx, message) {
    const value = (await evaluateField(ctx, message, 'value', ctx.config.value)) ?? null;
    ctx.log[ctx.config.level]('log node', { flowId: ctx.flowId, nodeId: ctx.nodeId, runId: message.runId, messageId: message.id, value });
    ctx.note(value);
    return [];
  },
};
