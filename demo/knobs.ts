/**
 * Failure knobs of one demo service, so a user (or a test) can watch retries, the circuit
 * breaker, compensations and dead letters happen. Set over HTTP (`PUT /knobs/<service>`) or
 * from the demo's page.
 */
export interface Knobs {
  /** Share of requests (0–1) answered 503 before anything is applied. */
  errorRate: number;
  /** Added to every answer, in ms (a step's timeout can then pass). */
  latencyMs: number;
  /** Operations (e.g. `charge`) answered 503 every time, nothing applied. */
  failOperations: string[];
  /** When set (400–499), every operation answers this status: a permanent failure. */
  permanentStatus: number | null;
}

export const DEFAULT_KNOBS: Readonly<Knobs> = Object.freeze({ errorRate: 0, latencyMs: 0, failOperations: [], permanentStatus: null });

const MAX_LATENCY_MS = 60_000;

export class KnobError extends Error {
  override readonly name = 'KnobError';
}

/** Merges a partial change into `current`, refusing values out of range with a named error. */
export function changedKnobs(current: Knobs, change: unknown): Knobs {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) throw new KnobError('knobs must be a JSON object');
  const next: Knobs = { ...current, ...(change as Partial<Knobs>) };
  const unknown = Object.keys(change).filter((k) => !(k in DEFAULT_KNOBS));
  if (unknown.length > 0) throw new KnobError(`unknown knob(s): ${unknown.join(', ')}`);
  if (typeof next.errorRate !== 'number' || !(next.errorRate >= 0 && next.errorRate <= 1)) throw new KnobError('errorRate must be a number from 0 to 1');
  if (!Number.isInteger(next.latencyMs) || next.latencyMs < 0 || next.latencyMs > MAX_LATENCY_MS) throw new KnobError(`latencyMs must be an integer from 0 to ${MAX_LATENCY_MS}`);
  if (!Array.isArray(next.failOperations) || next.failOperations.some((o) => typeof o !== 'string') || next.failOperations.length > 20) {
    throw new KnobError('failOperations must be a list of operation names');
  }
  if (next.permanentStatus !== null && !(Number.isInteger(next.permanentStatus) && next.permanentStatus >= 400 && next.permanentStatus <= 499)) {
    throw new KnobError('permanentStatus must be null or a status from 400 to 499');
  }
  return next;
}

/** What the knobs make of one request to `operation`: an answer to give instead, or none. */
export function knobFailure(knobs: Knobs, operation: string, random = Math.random): { status: number; error: string } | undefined {
  if (knobs.permanentStatus !== null) return { status: knobs.permanentStatus, error: `permanent failure set on this service (${knobs.permanentStatus})` };
  if (knobs.failOperations.includes(operation)) return { status: 503, error: `operation "${operation}" is set to fail` };
  if (knobs.errorRate > 0 && random() < knobs.errorRate) return { status: 503, error: 'random failure (errorRate)' };
  return undefined;
}
