/**
 * Flow variables kept in Redis, one hash per server (so `npm run worker` on another machine sees
 * them), capped in count and in bytes per value (flows/variables.ts). Each process reads them
 * through a snapshot at most `freshMs` old, so `$env('NAME')` costs no round trip per evaluation,
 * and a change reaches every deployed flow within that time without a redeploy.
 */
import type { Redis } from 'ioredis';
import { VARIABLE_LIMITS, VARIABLE_NAME } from '../flows/variables';
import type { VariableInfo } from '../contracts/api/variables';
import type { Keys } from './keys';
import { LuaScript } from './stores/script';

export type { VariableInfo };

export class VariableError extends Error {
  override readonly name = 'VariableError';
}

/**
 * KEYS[1] the variables hash · ARGV[1] name, ARGV[2] entry JSON, ARGV[3] max count,
 * ARGV[4] `only-demo`: replace only an absent entry or one the demo set.
 * Output: 1 stored, 0 refused (the hash is full), -1 kept (a user's value under `only-demo`).
 */
const PUT = new LuaScript(
  'variables/put',
  `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == 'only-demo' and current and not string.find(current, '"source":"demo"', 1, true) then return -1 end
if not current and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
);

export const VARIABLES_FRESH_MS = 1000;

export class VariableStore {
  #snapshot: { at: number; values: ReadonlyMap<string, string> } | undefined;
  #loading: Promise<ReadonlyMap<string, string>> | undefined;
  /** Bumped by every change here, so a read that started before it can't install a stale snapshot. */
  #generation = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly freshMs = VARIABLES_FRESH_MS,
  ) {}

  /** Stores `value` under `name`; throws a {@link VariableError} for a bad name, an oversized value or a full store. */
  async put(name: string, value: string, source: VariableInfo['source'] = 'user'): Promise<boolean> {
    if (!VARIABLE_NAME.test(name)) throw new VariableError(`a variable name must match ${VARIABLE_NAME.source}`);
    if (typeof value !== 'string') throw new VariableError('a variable value must be a string');
    const bytes = Buffer.byteLength(value);
    if (bytes > VARIABLE_LIMITS.maxValueBytes) throw new VariableError(`the value is ${bytes} bytes; the limit is ${VARIABLE_LIMITS.maxValueBytes}`);
    const entry: VariableInfo = { name, value, source, updatedAt: Date.now() };
    const stored = await PUT.run(this.redis, [this.keys.variables()], [name, JSON.stringify(entry), VARIABLE_LIMITS.maxCount, source === 'demo' ? 'only-demo' : 'any']);
    if (stored === 0) throw new VariableError(`this server keeps at most ${VARIABLE_LIMITS.maxCount} variables; delete one first`);
    this.#forget();
    return stored === 1;
  }

  async delete(name: string): Promise<boolean> {
    const deleted = (await this.redis.hdel(this.keys.variables(), name)) === 1;
    this.#forget();
    return deleted;
  }

  #forget(): void {
    this.#generation++;
    this.#snapshot = undefined;
    this.#loading = undefined;
  }

  async list(): Promise<VariableInfo[]> {
    const all = await this.redis.hgetall(this.keys.variables());
    return Object.values(all)
      .map((json) => JSON.parse(json) as VariableInfo)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The value of `name` as flows see it now (within `freshMs`), or undefined when it isn't set. */
  async value(name: string): Promise<string | undefined> {
    return (await this.#values()).get(name);
  }

  /** The names set on this server, from the same snapshot. */
  async names(): Promise<Set<string>> {
    return new Set((await this.#values()).keys());
  }

  #values(): Promise<ReadonlyMap<string, string>> {
    const snapshot = this.#snapshot;
    if (snapshot && Date.now() - snapshot.at < this.freshMs) return Promise.resolve(snapshot.values);
    // One read shared by every evaluation waiting on it.
    if (this.#loading) return this.#loading;
    const generation = this.#generation;
    const loading = this.list().then((list) => {
      const values = new Map(list.map((v) => [v.name, v.value]));
      if (generation === this.#generation) this.#snapshot = { at: Date.now(), values };
      return values;
    });
    this.#loading = loading;
    void loading.finally(() => {
      if (this.#loading === loading) this.#loading = undefined;
    }).catch(() => undefined);
    return loading;
  }
}
