/**
 * schedule — its source (source.ts) gives the timetable; the engine fires the ticks (BullMQ job
 * schedulers, engine/sources.ts) and starts a run per tick whose source message carries
 * `scheduledAt` and `firedAt` in its attributes; the runtime emits the configured payload with
 * them. Its message id follows from the tick's, which derives from the node and the scheduled
 * time: a tick handled twice emits once.
 */
import type { NodeRuntime } from '../../runtime';
import type { ScheduleConfig } from './spec';

export const runtime: NodeRuntime<ScheduleConfig> = {
  type: 'schedule',
  run: async (ctx, message) => {
    const { scheduledAt, firedAt, catchUp } = message.meta.attrs ?? {};
    const attrs = { scheduledAt, firedAt, ...(catchUp === true && { catchUp }) };
    return [{ port: 'out', payload: ctx.config.payload ?? {}, attrs }];
  },
};
