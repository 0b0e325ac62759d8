/**
 * Flows as the API offers them: saved drafts with their problems, import and export, deploy and
 * rollback by revision. Thin over the flow store and the engine; the HTTP layer maps its errors.
 */
import type { DeployResult, FlowBody, FlowSummary, FlowView, ImportedFlow } from '../contracts/api';
import type { Catalogue } from '../flows/catalogue';
import { missingCredentials } from '../flows/credential-refs';
import { missingVariables } from '../flows/variables';
import { guardDocument } from '../flows/guard';
import type { Problem } from '../flows/problems';
import type { FlowDocument } from '../flows/schema';
import { validateFlow } from '../flows/validate';
import type { Engine } from '../engine/engine';
import { RedisUnavailableError } from '../engine/redis/fail-fast';
import { FlowExistsError, type FlowRecord, type FlowStore, StaleRevisionError } from './flow-store';
import { badRequest, conflict, HttpError, notFound } from './http/problem';


/**
 * Refuses (400) a document past the guardrails (size, depth, forbidden keys). Its shape as a flow
 * document (FlowBody) was checked by the route; anything past that is a draft whose problems are listed.
 */
function guarded(body: FlowBody): FlowDocument {
  const guard = guardDocument(body);
  if (!guard.readable || guard.problems.length > 0) throw badRequest('the body is not a usable JSON document', guard.problems);
  return body as FlowDocument;
}

const canonical = (doc: unknown) => JSON.stringify(doc);

/** What `read` gives, or undefined when Redis is unreachable (any other failure still throws). */
async function unlessRedisDown<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof RedisUnavailableError) return undefined;
    throw error;
  }
}

export class FlowService {
  constructor(
    private readonly store: FlowStore,
    private readonly engine: Engine,
    private readonly catalogue: Catalogue,
  ) {}

  /**
   * Validation problems, plus credentials the flow names that this server doesn't have. With
   * `whileRedisDown: 'skip'` the credential check (credentials live in Redis) is left out while
   * Redis is unreachable, so that a draft can still be opened and saved.
   */
  async problemsOf(doc: FlowDocument, whileRedisDown: 'fail' | 'skip' = 'fail'): Promise<Problem[]> {
    const problems = validateFlow(doc, this.catalogue).problems;
    const read = <T>(p: Promise<T>) => (whileRedisDown === 'skip' ? unlessRedisDown(p) : p);
    const [credentials, variables] = [await read(this.engine.credentials.list()), await read(this.engine.variables.names())];
    if (!credentials || !variables) return [...problems];
    return [...problems, ...missingCredentials(doc, this.catalogue, new Set(credentials.map((c) => c.name))), ...missingVariables(doc, variables)];
  }

  /** Flows live on disk: while Redis is unreachable a view just lacks what Redis knows (deployment, credentials). */
  async #view(record: FlowRecord): Promise<FlowView> {
    const deployed = await unlessRedisDown(this.engine.deployed());
    const deployedRevision = deployed?.get(record.id);
    return { ...record, problems: await this.problemsOf(record.doc, 'skip'), ...(deployedRevision !== undefined && { deployedRevision }) };
  }

  async list(): Promise<FlowSummary[]> {
    const deployed = await unlessRedisDown(this.engine.deployed());
    return (await this.store.list()).map((f) => ({ ...f, ...(deployed?.has(f.id) && { deployedRevision: deployed.get(f.id) }) }));
  }

  async get(id: string): Promise<FlowView> {
    const record = await this.store.get(id);
    if (!record) throw notFound(`no flow "${id}"`);
    return this.#view(record);
  }

  async create(body: FlowBody): Promise<FlowView> {
    const doc = guarded(body);
    try {
      return await this.#view(await this.store.create(doc));
    } catch (error) {
      if (error instanceof FlowExistsError) throw conflict(error.message, { id: doc.id });
      throw error;
    }
  }

  /** Saves a new revision (a no-op when nothing changed); `expected` guards against lost updates. */
  async save(id: string, body: FlowBody, expected?: number): Promise<{ view: FlowView; changed: boolean }> {
    const doc = guarded(body);
    if (doc.id !== id) throw badRequest(`the document's id "${doc.id}" does not match the flow "${id}"`);
    const current = await this.store.get(id);
    if (!current) throw notFound(`no flow "${id}"; create it with POST /api/flows`);
    if (expected !== undefined && expected !== current.revision) throw this.#stale(current);
    if (canonical(current.doc) === canonical(doc)) return { view: await this.#view(current), changed: false };
    try {
      return { view: await this.#view(await this.store.save(doc, expected ?? current.revision)), changed: true };
    } catch (error) {
      if (error instanceof StaleRevisionError) throw this.#stale(error.current);
      throw error;
    }
  }

  #stale(current: FlowRecord): HttpError {
    return conflict(`flow "${current.id}" is at revision ${current.revision}; reload it and apply your change again`, { currentRevision: current.revision, current: current.doc });
  }

  async delete(id: string): Promise<void> {
    if ((await this.engine.deployed()).has(id)) throw conflict(`flow "${id}" is deployed; undeploy it before deleting it`);
    if (!(await this.store.delete(id))) throw notFound(`no flow "${id}"`);
    // Best-effort: the flow is gone from disk either way; a Redis outage leaves its kept jobs.
    await this.engine.forget(id).catch(() => 0);
  }

  async revisions(id: string): Promise<FlowSummary[]> {
    const list = await this.store.revisions(id);
    if (list.length === 0) throw notFound(`no flow "${id}"`);
    return list;
  }

  async revision(id: string, revision: number): Promise<FlowView> {
    const record = await this.store.revision(id, revision);
    if (!record) throw notFound(`flow "${id}" has no revision ${revision}`);
    return this.#view(record);
  }

  /**
   * Imports one document or several. On an id that exists: `fail` refuses the whole import
   * (409, nothing imported); `copy` imports under a fresh id (`<id>-copy`, `<id>-copy-2`, …).
   */
  async import(body: FlowBody | FlowBody[], onConflict: 'fail' | 'copy'): Promise<ImportedFlow[]> {
    const docs = (Array.isArray(body) ? body : [body]).map(guarded);
    const existing = new Set(await this.store.ids());
    if (onConflict === 'fail') {
      const clashes = docs.filter((d) => existing.has(d.id)).map((d) => d.id);
      if (clashes.length > 0) throw conflict(`flows already exist: ${clashes.join(', ')}`, { ids: clashes });
    }
    const imported: ImportedFlow[] = [];
    for (const doc of docs) {
      let id = doc.id;
      for (let n = 1; existing.has(id); n++) id = `${doc.id.slice(0, 50)}-copy${n === 1 ? '' : `-${n}`}`;
      existing.add(id);
      const record = await this.store.create({ ...doc, id });
      imported.push({ ...(await this.#view(record)), ...(id !== doc.id && { copiedFrom: doc.id }) });
    }
    return imported;
  }

  /** The document as saved: ready to import elsewhere; flows never hold secrets, only credential names. */
  async export(id: string): Promise<FlowDocument> {
    const record = await this.store.get(id);
    if (!record) throw notFound(`no flow "${id}"`);
    return record.doc;
  }

  /** Whether a flow is saved here (without reading or validating it). */
  exists(id: string): Promise<boolean> {
    return this.store.exists(id);
  }

  /**
   * Deploys the latest revision, or an earlier one (rollback). `changed: false` when that very
   * plan was deployed already — the deploy still runs, so it repairs one a crash left half-done;
   * the same revision number with other content (a flow deleted and created again) is a change.
   */
  async deploy(id: string, revision?: number): Promise<DeployResult> {
    const record = revision === undefined ? await this.store.get(id) : await this.store.revision(id, revision);
    if (!record) throw notFound(revision === undefined ? `no flow "${id}"` : `flow "${id}" has no revision ${revision}`);
    const problems = await this.problemsOf(record.doc);
    if (problems.length > 0) throw new HttpError(422, 'Unprocessable flow', `revision ${record.revision} of "${id}" has ${problems.length} problem(s)`, { problems });
    const before = (await this.engine.deployments()).get(id)?.deployment;
    const plan = await this.engine.deploy(record.doc, record.revision);
    return { flowId: id, revision: record.revision, changed: plan.deployment !== before };
  }

  async undeploy(id: string): Promise<boolean> {
    return this.engine.undeploy(id);
  }
}
