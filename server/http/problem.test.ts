import { describe, expect, it } from 'vitest';
import { ReplayConflictError, ReplayTruncatedError } from '../../engine/dead-letter-service';
import { MemoryPressureError } from '../../engine/redis/memory-guard';
import { toHttpError } from './problem';

describe('toHttpError', () => {
  it('answers a replay of a truncated dead letter with 422, and one into a missing node with 409', () => {
    const truncated = toHttpError(new ReplayTruncatedError('kept only the start of its payload'));
    expect(truncated).toMatchObject({ status: 422, message: 'kept only the start of its payload' });
    expect(toHttpError(new ReplayConflictError('not deployed')).status).toBe(409);
  });

  it('answers intake shed for Redis memory with 503 and Retry-After', () => {
    const shed = toHttpError(new MemoryPressureError(2_000, 1_000));
    expect(shed.status).toBe(503);
    expect(shed.headers['Retry-After']).toBe(String(new MemoryPressureError(2_000, 1_000).retryAfterSec));
  });
});
