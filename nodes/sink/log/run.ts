/**
 * log — evaluates `value` and writes it through `ctx.log[level]` with the run and message ids
 * (the engine's logger adds flow and node). A `value` of nothing is logged as `null`. Emits
 * nothing. What is logged is the trace's preview (`ctx.preview`): bounded in size, credential
 * values redacted, `truncated: true` when anything was cut — a server log is read by more people
 * than a flow's payloads are meant for, and a payload can be megabytes.
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
    const preview = ctx.preview(value);
    ctx.log[ctx.config.level]('log node', { flowId: ctx.flowId, nodeId: ctx.nodeId, runId: message.runId, messageId: message.id, value: preview.value, ...(preview.truncated && { truncated: true }) });
    ctx.note(value);
    return [];
  },
};
