/**
 * Logs are JSON lines (pino) that carry flow, node and run ids. Node runtimes see the small
 * `Logger` of the runtime contract; this adapts a pino logger to it.
 */
import { pino, type Logger as Pino } from 'pino';
import type { Logger } from '../nodes/runtime';

export type { Pino };

export function createLogger(options: { level?: string; name?: string } = {}): Pino {
  return pino({
    name: options.name ?? 'tributary',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    // Belt and braces: whatever a caller passes, these paths never reach a log line.
    redact: { paths: ['password', 'token', 'secret', '*.password', '*.token', '*.secret', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  });
}

/** The runtime contract's logger over pino, with fixed fields (flow, node, run ids). */
export function nodeLogger(base: Pino, fields: Record<string, unknown>): Logger {
  // Built on first use: one is made per delivery, and most runtimes never log.
  let child: Pino | undefined;
  const log = () => (child ??= base.child(fields));
  return {
    debug: (msg, f) => log().debug(f ?? {}, msg),
    info: (msg, f) => log().info(f ?? {}, msg),
    warn: (msg, f) => log().warn(f ?? {}, msg),
    error: (msg, f) => log().error(f ?? {}, msg),
  };
}
