/**
 * Deterministic ids. A re-run after a crash must produce exactly the ids the first run produced,
 * so that enqueueing the same output twice is a no-op. BullMQ restricts the characters of custom
 * job ids (no `:`), so ids are hashes: SHA-256, base64url, 128 bits kept — collisions are out of
 * reach for any realistic volume.
 */
import { createHash, randomUUID } from 'node:crypto';

const hash = (...parts: Array<string | number>): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);

/** Id of a message a node emits: from its parent, the node, the port and its index there. */
export const derivedMessageId = (parentId: string, nodeId: string, port: string, index: number): string =>
  hash('msg', parentId, nodeId, port, index);

/**
 * Id of a message a node emitted under its own key (`Emission.key`: an http-poll record's
 * key and version): from the flow, the node, the port and that key — not from the input — so the
 * same key emitted by any execution of the node, in any run, has the same id.
 */
export const keyedMessageId = (flowId: string, nodeId: string, port: string, key: string): string =>
  hash('keyed', flowId, nodeId, port, key);

/**
 * Id of a source message — which is also the id of the run it starts: from what was read (e.g. a
 * webhook's idempotency header), or fresh. It starts with the flow id and a dot (flow ids can't
 * contain a dot after their… no: they can, so the flow id is everything before the LAST dot;
 * the hash itself never contains one), so a run id alone tells which flow it belongs to.
 */
export const sourceMessageId = (flowId: string, nodeId: string, externalKey?: string): string =>
  `${flowId}.${externalKey === undefined ? hash('fresh', randomUUID()) : hash('src', flowId, nodeId, externalKey)}`;

/** The flow a run id belongs to (see {@link sourceMessageId}), or undefined for a malformed id. */
export function flowOfRun(runId: string): string | undefined {
  const dot = runId.lastIndexOf('.');
  return dot > 0 ? runId.slice(0, dot) : undefined;
}

/** BullMQ job id of delivering a message to a node's input port. */
export const deliveryJobId = (messageId: string, nodeId: string, port: string, replay = 0): string =>
  replay === 0 ? hash('job', messageId, nodeId, port) : hash('replay', messageId, nodeId, port, replay);

/** Hash of a user-level key (idempotency keys, webhook headers) for use inside Redis keys. */
export const keyHash = (key: string): string => hash('key', key);
