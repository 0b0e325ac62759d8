/**
 * While Redis is down, a request that needs it answers 503 with Retry-After within
 * {@link REDIS_DEADLINE_MS}, instead of hanging until Redis returns; one that doesn't (flows live
 * on disk) runs as usual. Two parts, so no route has to say which kind it is:
 * - each handler runs as code answering a caller (engine/redis/fail-fast.ts): a Redis command it
 *   issues while the connection is down fails at once, and the problem middleware maps that
 *   RedisUnavailableError to 503 + Retry-After;
 * - a command sent just before Redis went away still waits for its reply, so a request still open
 *   after the deadline while Redis is down is answered 503 then. Whatever the handler does later
 *   (its commands complete once Redis is back) finds the answer sent and is dropped.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { answeringCaller, RedisUnavailableError } from '../engine/redis/fail-fast';

/** Below the 2 s promised, leaving room for the answer itself on a loaded host. */
export const REDIS_DEADLINE_MS = 1_500;

export function redisGated(handler: (req: Request, res: Response) => unknown, redisReady: () => boolean): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void answeringCaller(async () => {
      const deadline = setTimeout(() => {
        if (!res.headersSent && !redisReady()) next(new RedisUnavailableError('Redis is unreachable; retry shortly'));
      }, REDIS_DEADLINE_MS);
      try {
        await handler(req, res);
      } catch (error) {
        if (!res.headersSent) next(error);
      } finally {
        clearTimeout(deadline);
      }
    });
  };
}
