/**
 * http-poll's source: a timetable (nodes/source-contract.ts) — every `intervalMs`. A late tick
 * always runs: one poll catches up on everything missed. What a tick does — read the pages — is
 * the runtime's (run.ts).
 */
import type { TimetableSource } from '../../source-contract';
import type { HttpPollConfig } from './spec';

export const source: TimetableSource<HttpPollConfig> = {
  type: 'http-poll',
  kind: 'timetable',
  timetable: (config) => ({ everyMs: config.intervalMs, missed: 'run' }),
};
