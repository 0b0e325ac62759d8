/**
 * schedule — source. Fires on an interval or a cron pattern through BullMQ's job schedulers, so
 * any number of engine processes fire each tick exactly once.
 *
 * Ports:     (no inputs) → out
 * Emits:     one message per tick; payload = `payload`, attrs `{ scheduledAt, firedAt }` (ISO
 *            times; `catchUp: true` on a tick that stands for missed ones). Its id derives from
 *            the node and the tick's scheduled time.
 * Transient: Redis unreachable while scheduling (retried by the engine).
 * Permanent: an invalid cron pattern or time zone (refused at deploy).
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_OUTPUT } from '../../../flows/ports';
import { Choice } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

const DAY_MS = 86_400_000;

export const spec = defineSpec({
  type: 'schedule',
  category: 'source',
  title: 'Schedule',
  keywords: ['schedule', 'cron', 'interval', 'timer', 'repeat', 'every', 'tick'],
  docs: [
    'Starts a run on a timetable: every `everyMs` milliseconds, or on a `cron` pattern in a time zone.',
    'Each tick fires once however many engine processes run.',
    '',
    '**Config**',
    '- `mode`: `interval` (default) or `cron`.',
    '- `everyMs`: the interval, at least 1 s (default 60 000).',
    '- `cron`: five or six fields (`0 */15 * * * *`), or `@hourly`, `@daily`… (default `0 * * * *`).',
    '- `timezone`: IANA zone the cron pattern is read in (default `UTC`), e.g. `Europe/Paris`.',
    '- `missed`: ticks missed while no engine ran — `skip` them (default) or `run-once` to catch up with a single run.',
    '  A tick that fires over a minute late (the engine\'s `misfireMs`) counts as missed.',
    '- `payload`: the JSON each tick emits (default `{}`).',
    '',
    '**Ports**: `out` — one message per tick, with `scheduledAt` and `firedAt` in its attributes (and `catchUp: true` on a catch-up).',
    '',
    'An interval fires first when it is deployed; a redeploy with the same interval keeps its rhythm.',
    'While the flow\'s backlog is at its limit, ticks start no run.',
    '',
    '**Guarantees**: a tick\'s message id derives from its scheduled time, so a tick is never emitted twice.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      mode: Choice(['interval', 'cron'], { title: 'Mode', default: 'interval' }),
      everyMs: Type.Integer({ title: 'Every (ms)', description: 'Interval between ticks (mode interval).', minimum: 1_000, maximum: 31 * DAY_MS, default: 60_000 }),
      cron: Type.String({
        title: 'Cron pattern',
        description: 'Minute hour day month weekday, with optional leading seconds; or @hourly, @daily, @weekly, @monthly, @yearly (mode cron).',
        pattern: '^(@(yearly|annually|monthly|weekly|daily|hourly)|[0-9A-Za-z*?,/#LW-]+( +[0-9A-Za-z*?,/#LW-]+){4,5})$',
        maxLength: 200,
        default: '0 * * * *',
      }),
      timezone: Type.String({
        title: 'Time zone',
        description: 'IANA time zone the cron pattern is read in.',
        pattern: '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$',
        maxLength: 64,
        default: 'UTC',
      }),
      missed: Choice(['skip', 'run-once'], {
        title: 'Missed ticks',
        description: 'Ticks that fell while no engine ran: skip them, or run once to catch up.',
        default: 'skip',
      }),
      payload: Type.Unknown({ title: 'Payload', description: 'Any JSON; the payload of every tick.', default: {} }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: [], outputs: SINGLE_OUTPUT },
});

export type ScheduleConfig = ConfigOf<typeof spec>;
