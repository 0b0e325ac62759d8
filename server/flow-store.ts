/**
 * Flows on disk: one folder per flow in the data directory, one JSON file per saved revision
 * (`flows/<id>/<revision>.json`), each written atomically (temp file, then rename), so a crash
 * mid-save leaves the previous revision intact. Earlier revisions are kept (capped) so any of them
 * can be redeployed. Saves are serialised per flow inside the process; a save based on a stale
 * revision is refused.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SAFE_ID } from '../flows/limits';
import type { FlowDocument } from '../flows/schema';

export interface FlowRecord {
  id: string;
  revision: number;
  savedAt: number;
  doc: FlowDocument;
}

export interface FlowSummary {
  id: string;
  name: string;
  revision: number;
  savedAt: number;
}

export class FlowExistsError extends Error {
  override readonly name = 'FlowExistsError';
}

export class StaleRevisionError extends Error {
  override readonly name = 'StaleRevisionError';
  constructor(readonly current: FlowRecord) {
    super(`flow "${current.id}" is at revision ${current.revision}; reload it and apply your change again`);
  }
}

const REVISION_FILE = /^(\d+)\.json$/;

export class FlowStore {
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly dir: string,
    private readonly maxRevisions = 100,
  ) {}

  #folder(id: string): string {
    if (!SAFE_ID.test(id)) throw new Error(`unsafe flow id "${id}"`);
    return join(this.dir, id);
  }

  /** Runs `work` after every earlier save of the same flow in this process. */
  #serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.#locks.set(id, next);
    void next.finally(() => this.#locks.get(id) === next && this.#locks.delete(id)).catch(() => undefined);
    return next;
  }

  async #revisionNumbers(id: string): Promise<number[]> {
    try {
      const names = await readdir(this.#folder(id));
      return names.flatMap((n) => (REVISION_FILE.test(n) ? [Number(REVISION_FILE.exec(n)![1])] : [])).sort((a, b) => a - b);
    } catch {
      return [];
    }
  }

  async revision(id: string, revision: number): Promise<FlowRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.#folder(id), `${revision}.json`), 'utf8')) as FlowRecord;
    } catch {
      return undefined;
    }
  }

  async get(id: string): Promise<FlowRecord | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    const latest = (await this.#revisionNumbers(id)).at(-1);
    return latest === undefined ? undefined : this.revision(id, latest);
  }

  /** Ids of the flow folders (a folder whose revisions were all removed may still be listed). */
  async ids(): Promise<string[]> {
    try {
      return (await readdir(this.dir, { withFileTypes: true })).filter((d) => d.isDirectory() && SAFE_ID.test(d.name)).map((d) => d.name);
    } catch {
      return [];
    }
  }

  async exists(id: string): Promise<boolean> {
    return SAFE_ID.test(id) && (await this.#revisionNumbers(id)).length > 0;
  }

  async list(): Promise<FlowSummary[]> {
    const ids = await this.ids();
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records
      .filter((r): r is FlowRecord => r !== undefined)
      .map((r) => ({ id: r.id, name: r.doc.name, revision: r.revision, savedAt: r.savedAt }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async revisions(id: string): Promise<FlowSummary[]> {
    const out: FlowSummary[] = [];
    for (const n of await this.#revisionNumbers(id)) {
      const r = await this.revision(id, n);
      if (r) out.push({ id, name: r.doc.name, revision: r.revision, savedAt: r.savedAt });
    }
    return out;
  }

  /** Saves a new flow; refuses an id that exists. */
  create(doc: FlowDocument): Promise<FlowRecord> {
    return this.#serial(doc.id, async () => {
      if ((await this.#revisionNumbers(doc.id)).length > 0) throw new FlowExistsError(`a flow with id "${doc.id}" already exists`);
      return this.#write(doc, 1);
    });
  }

  /**
   * Saves `doc` as the next revision. With `expected`, refuses (StaleRevisionError, carrying the
   * current record) unless the flow is still at that revision.
   */
  save(doc: FlowDocument, expected?: number): Promise<FlowRecord> {
    return this.#serial(doc.id, async () => {
      const numbers = await this.#revisionNumbers(doc.id);
      const latest = numbers.at(-1) ?? 0;
      if (expected !== undefined && expected !== latest) {
        const current = await this.revision(doc.id, latest);
        if (current) throw new StaleRevisionError(current);
      }
      const record = await this.#write(doc, latest + 1);
      for (const old of numbers.slice(0, Math.max(0, numbers.length + 1 - this.maxRevisions))) {
        await rm(join(this.#folder(doc.id), `${old}.json`), { force: true });
      }
      return record;
    });
  }

  async #write(doc: FlowDocument, revision: number): Promise<FlowRecord> {
    const folder = this.#folder(doc.id);
    await mkdir(folder, { recursive: true });
    const record: FlowRecord = { id: doc.id, revision, savedAt: Date.now(), doc };
    const tmp = join(folder, `.${revision}.${randomUUID()}.tmp`);
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
    await rename(tmp, join(folder, `${revision}.json`));
    return record;
  }

  delete(id: string): Promise<boolean> {
    return this.#serial(id, async () => {
      const exists = (await this.#revisionNumbers(id)).length > 0;
      if (exists) await rm(this.#folder(id), { recursive: true, force: true });
      return exists;
    });
  }
}
