/**
 * schedule's source: a timetable (nodes/source-contract.ts) — an interval, or a cron pattern read
 * in a time zone. A tick missed while no engine ran is skipped or, with `missed: run-once`, run as
 * one catch-up. Refused at deploy: a time zone the runtime doesn't know, a cron pattern that can't
 * be read or never fires.
 */
import type { ConfigProblem, TimetableSource } from '../../source-contract';
import type { ScheduleConfig } from './spec';

export const source: TimetableSource<ScheduleConfig> = {
  type: 'schedule',
  kind: 'timetable',
  timetable: (config) => ({
    ...(config.mode === 'cron' ? { cron: config.cron, timezone: config.timezone } : { everyMs: config.everyMs }),
    missed: config.missed === 'run-once' ? 'run-once' : 'skip',
  }),
  check({ config, nextCronTime }): ConfigProblem[] {
    if (config.mode !== 'cron') return [];
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: config.timezone });
    } catch {
      return [{ field: 'timezone', message: `unknown time zone "${config.timezone}"` }];
    }
    let next: number | undefined;
    try {
      next = nextCronTime(config.cron, config.timezone, Date.now());
    } catch (error) {
      return [{ field: 'cron', message: `invalid cron pattern: ${(error as Error).message}` }];
    }
    return next === undefined ? [{ field: 'cron', message: 'the cron pattern never fires' }] : [];
  },
};
