/**
 * inject — the engine builds the source message (the trigger's payload, or the configured one when
 * the trigger brings none, with its id from the trigger's idempotency key); the runtime passes it on.
 */
import type { NodeRuntime } from '../../runtime';
import type { InjectConfig } from './spec';

export const runtime: NodeRuntime<InjectConfig> = {
  type: 'inject',
  run: async (_ctx, message) => [{ port: 'out', payload: message.payload }],
};
