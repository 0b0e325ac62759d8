/**
 * merge — the runtime. Dispatches on the mode and on timer deliveries; join.ts and window.ts hold
 * the two modes, scripts.ts their atomic steps (and why a crash neither loses a group nor emits
 * it twice), state.ts the keys and TTLs.
 */
import { PermanentError } from '../../errors';
import { TIMER_PORT, type Message, type NodeContext, type NodeRuntime } from '../../runtime';
import { compileField } from '../../shared/expressions';
import { joinPart, joinTimeout, type JoinTimer } from './join';
import type { MergeConfig } from './spec';
import { windowPart, windowTimeout, type WindowTimer } from './window';

export const runtime: NodeRuntime<MergeConfig> = {
  type: 'merge',
  prepare(ctx) {
    if (ctx.config.mode !== 'join') return;
    if (!ctx.config.correlationKey) throw new PermanentError('correlationKey: a join needs one', { code: 'NO_CORRELATION_KEY' });
    compileField(ctx, 'correlationKey', ctx.config.correlationKey);
  },
  async run(ctx, message) {
    const { port } = message.meta;
    if (port === TIMER_PORT) return onTimer(ctx, message);
    if (!ctx.config.inputs.includes(port)) throw new PermanentError(`merge has no input "${port}"`, { code: 'UNKNOWN_PORT' });
    return ctx.config.mode === 'window' ? windowPart(ctx, message) : joinPart(ctx, message);
  },
};

/** A timer this node set: `join:<group>` or `window:<id>`, carrying what identifies it. */
function onTimer(ctx: NodeContext<MergeConfig>, message: Message) {
  const timer = (message.meta.attrs?.timer ?? {}) as { key?: string; payload?: Partial<JoinTimer & WindowTimer> };
  const payload = timer.payload ?? {};
  if (timer.key?.startsWith('join:') && payload.group && payload.gid) return joinTimeout(ctx, message, { group: payload.group, gid: payload.gid });
  if (timer.key?.startsWith('window:') && payload.window) return windowTimeout(ctx, message, { window: payload.window });
  // A timer of another mode (the node was redeployed with another config): nothing of it is open here.
  ctx.log.warn('merge: ignoring a timer it cannot place', { key: timer.key });
  return Promise.resolve([]);
}
