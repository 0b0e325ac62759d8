/**
 * The variables every expression of a node sees besides `$` (the payload). One definition, so a
 * condition written for a filter means the same in a switch, an http-request header or a log.
 */
import type { Message } from '../runtime';

/**
 * JSONata bindings for one message:
 * - `$meta`: the message's meta (flowId, revision, port, startedAt, joinedRuns, attrs);
 * - `$attrs`: `$meta.attrs`, or `{}` when it has none, so `$attrs.split.index` never needs a guard.
 */
export function bindingsOf(message: Message): Record<string, unknown> {
  return { meta: message.meta, attrs: message.meta.attrs ?? {} };
}
