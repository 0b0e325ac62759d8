import { connect } from 'node:net';

/** Options of {@link sendRawCommand}. */
export interface RawCommandOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Gives up (rejects) after this long. Default 2000 ms. */
  timeoutMs?: number;
}

/**
 * Sends one command over a fresh TCP connection and returns the reply in its simplest form:
 * the first line for status, error, integer and array replies (`+PONG`, `-LOADING …`, `:1`,
 * `*3`), the content for a bulk string (INFO), and `null` when the server closed the connection
 * without answering (what a successful SHUTDOWN does).
 *
 * Deliberately not ioredis: supervising a server process wants one attempt with a hard timeout,
 * no reconnects, no offline queue, and no error events left behind when the server goes away.
 */
export function sendRawCommand(port: number, args: readonly string[], opts: RawCommandOptions = {}): Promise<string | null> {
  const { host = '127.0.0.1', timeoutMs = 2000 } = opts;
  const payload = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    let settled = false;
    const socket = connect({ port, host });
    const finish = (err: Error | null, reply: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(reply);
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer from ${host}:${port} to ${args[0]} within ${timeoutMs} ms`), null),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const reply = parseReply(buffered);
      if (reply !== undefined) finish(null, reply);
    });
    socket.once('error', (err) => finish(err, null));
    socket.once('close', () => finish(null, null));
  });
}

/** The reply as described above, or undefined while more bytes are needed. */
function parseReply(buf: Buffer): string | undefined {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) return undefined;
  const first = buf.subarray(0, eol).toString('utf8');
  if (!first.startsWith('$')) return first;
  const length = Number(first.slice(1));
  if (length < 0) return first; // null bulk: `$-1`
  const start = eol + 2;
  return buf.length >= start + length ? buf.subarray(start, start + length).toString('utf8') : undefined;
}
