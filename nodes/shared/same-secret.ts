import { createHash, timingSafeEqual } from 'node:crypto';

/** Equal, in time that depends on neither value (both are hashed to one length first). */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
