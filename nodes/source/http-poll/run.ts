/**
 * http-poll — the engine ticks every `intervalMs` (the timetable its source.ts gives, fired by
 * engine/sources.ts); each tick starts a poll, and each delivery of the node reads ONE page:
 * - the tick's delivery reads page 1: since the stored cursor (incremental), or everything when
 *   there is none yet (full sync). The cursor it starts from is pinned under the tick's message
 *   id, so that delivery run again after a crash asks for the very same page;
 * - each next page is a timer delivery to the node itself (`ctx.timers`, key `<poll>:<page>`),
 *   whose message carries the page's URL and the poll's progress — progress is persisted page by
 *   page, and a crash or a restart resumes where the poll stopped;
 * - the last page stores the new cursor: the largest `cursor.value` of the poll's records, never
 *   a smaller one than stored. A delivery that stored it and crashed before its records went
 *   downstream reads its page again from its own message, so no record is skipped.
 * One message per record, each with `key` = the record's key and version (a hash of its content
 * without `recordVersion`): the engine lets a key through once, so a record served again
 * unchanged — on the next poll, or on two pages — is a duplicate and goes no further.
 *
 * One poll at a time: a tick while a poll of the node is under way starts nothing (the "running"
 * mark expires after RUNNING_TTL_SEC, should a poll die). A poll cut short by `maxPages` leaves
 * the cursor where it was and says so in the log: records it didn't reach must not be skipped.
 *
 * Errors: see spec.ts. HTTP failures are classified by nodes/shared/http-send.ts.
 */
import { PermanentError } from '../../errors';
import { TIMER_PORT, type Emission, type Message, type NodeContext, type NodeRuntime, type StateScript } from '../../runtime';
import { bindingsOf } from '../../shared/bindings';
import { compileField, evaluateField } from '../../shared/expressions';
import { credentialAuth, setHeader } from '../../shared/http-auth';
import { isSuccess, redactUrl, responseFailure, sendHttp } from '../../shared/http-send';
import { cursorOf, laterCursor, linkedNext, numberedNext, pageUrl, recordKey, recordList, recordVersion, type Cursor, type PageStep } from './pages';
import type { HttpPollConfig } from './spec';

/** The stored cursor lives this long after the last completed poll (every poll refreshes it). */
export const CURSOR_TTL_SEC = 180 * 86_400;
/** A poll under way marks itself, refreshed at each page; a dead poll's mark goes after this. */
export const RUNNING_TTL_SEC = 600;
/** The cursor a tick's poll started from, kept for re-runs of that tick's delivery. */
const PINNED_TTL_SEC = 3_600;

const CURSOR = 'cursor';
const RUNNING = 'running';
const pinnedKey = (poll: string) => `start:${poll}`;

type Ctx = NodeContext<HttpPollConfig>;

/**
 * Marks a poll as the one under way, unless another is: two ticks' deliveries running at once
 * (two workers) must not both start a poll.
 *
 * KEYS[1] the running mark   ARGV[1] the mark (JSON `{ "poll": … }`)   ARGV[2] TTL (s)
 * Output: 1 when the mark is this poll's now (set, or it was already), 0 when another poll holds it.
 */
export const CLAIM_RUNNING: StateScript = {
  name: 'claimRunning',
  lua: `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
`,
};

export const runtime: NodeRuntime<HttpPollConfig> = {
  type: 'http-poll',
  prepare(ctx) {
    const { config } = ctx;
    compileField(ctx, 'records', config.records);
    compileField(ctx, 'recordKey', config.recordKey);
    if (config.recordVersion !== undefined) compileField(ctx, 'recordVersion', config.recordVersion);
    if (config.pagination.nextLink !== undefined) compileField(ctx, 'pagination.nextLink', config.pagination.nextLink);
    if (config.cursor) compileField(ctx, 'cursor.value', config.cursor.value);
    if (config.urlFrom !== undefined) compileField(ctx, 'urlFrom', config.urlFrom);
  },
  async run(ctx, message) {
    const step = message.meta.port === TIMER_PORT ? await continued(ctx, message) : await started(ctx, message);
    return step ? readPage(ctx, message, step) : [];
  },
};

/** The first page of the poll a tick starts; nothing while another poll is under way. */
async function started(ctx: Ctx, message: Message): Promise<PageStep | undefined> {
  const { config } = ctx;
  const poll = message.id;
  let pinned = await ctx.state.get<{ since: Cursor | null }>(pinnedKey(poll));
  if (!pinned) {
    if ((await ctx.state.atomic(CLAIM_RUNNING, [RUNNING], [JSON.stringify({ poll }), RUNNING_TTL_SEC])) !== 1) {
      ctx.log.info('a poll is still under way: this tick starts none');
      ctx.note({ skipped: 'a poll is still under way' });
      return undefined;
    }
    const since = config.cursor ? ((await ctx.state.get<Cursor>(CURSOR)) ?? config.cursor.initial) : undefined;
    pinned = { since: since ?? null };
    await ctx.state.set(pinnedKey(poll), pinned, PINNED_TTL_SEC);
  }
  const since = pinned.since ?? undefined;
  const base = await baseUrl(ctx, message);
  return { poll, sync: since === undefined ? 'full' : 'incremental', page: 1, url: pageUrl(config, since, 1, base), origin: new URL(base).origin };
}

/** `url`, or what `urlFrom` gives now (a flow variable may have changed since the last poll). */
async function baseUrl(ctx: Ctx, message: Message): Promise<string> {
  const { config } = ctx;
  if (config.urlFrom === undefined) return config.url ?? '';
  const value = await evaluateField(ctx, message, 'urlFrom', config.urlFrom);
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value) || !URL.canParse(value)) {
    throw new PermanentError(`urlFrom: expected an absolute http(s) URL, got ${value === undefined ? 'nothing (is the flow variable set?)' : typeof value}`, { code: 'BAD_URL' });
  }
  return value;
}

/** Where the poll started; a step persisted before `origin` existed started at the configured URL. */
const originOf = (config: HttpPollConfig, step: PageStep): string => step.origin ?? new URL(config.url ?? step.url).origin;

/** The page a timer delivery continues with (set by the previous page); the poll's mark is refreshed. */
async function continued(ctx: Ctx, message: Message): Promise<PageStep> {
  const timer = message.meta.attrs?.timer as { payload?: Partial<PageStep> } | undefined;
  const step = timer?.payload;
  if (!step || typeof step.poll !== 'string' || typeof step.url !== 'string' || typeof step.page !== 'number') {
    throw new PermanentError('a timer message without the page to read', { code: 'BAD_TIMER' });
  }
  const running = await ctx.state.get<{ poll: string }>(RUNNING);
  if (running?.poll === step.poll) await ctx.state.set(RUNNING, running, RUNNING_TTL_SEC);
  return step as PageStep;
}

async function readPage(ctx: Ctx, message: Message, step: PageStep): Promise<Emission[]> {
  const { config } = ctx;
  const { body, headers } = await getJson(ctx, step.url, originOf(ctx.config, step));
  const pageBindings = { ...bindingsOf(message), headers };
  const over = (payload: unknown) => ({ ...message, payload });
  const records = recordList(await evaluateField(ctx, over(body), 'records', config.records, pageBindings));

  const attrs = { sync: step.sync, page: step.page, url: redactUrl(step.url), timer: undefined };
  const emissions: Emission[] = [];
  let max = step.max;
  for (const [i, record] of records.entries()) {
    const input = over(record);
    const key = recordKey(await evaluateField(ctx, input, 'recordKey', config.recordKey), i);
    const version = recordVersion(config.recordVersion === undefined ? undefined : await evaluateField(ctx, input, 'recordVersion', config.recordVersion), record);
    if (config.cursor) max = laterCursor(max, cursorOf(await evaluateField(ctx, input, 'cursor.value', config.cursor.value), i));
    emissions.push({ port: 'out', payload: record, attrs, key: JSON.stringify([key, version]) });
  }

  const next =
    config.pagination.mode === 'next-link'
      ? linkedNext(
          await evaluateField(ctx, over(body), 'pagination.nextLink', config.pagination.nextLink!, pageBindings),
          step.url,
          config.pagination.crossOrigin ? undefined : originOf(config, step),
        )
      : numberedNext(config, step, records.length);
  if (next !== undefined && step.page < config.pagination.maxPages) {
    const following: PageStep = { ...step, page: step.page + 1, url: next, ...(max !== undefined && { max }) };
    await ctx.timers.set(`${step.poll}:${following.page}`, Date.now(), following);
  } else {
    await finish(ctx, step, max, next !== undefined);
  }
  ctx.note({ page: step.page, records: records.length, ...(next !== undefined && { next: redactUrl(next) }) });
  return emissions;
}

/** The poll's last page: the cursor moves on (unless the poll was cut short), the running mark goes. */
async function finish(ctx: Ctx, step: PageStep, max: Cursor | undefined, cutShort: boolean): Promise<void> {
  if (cutShort) {
    ctx.log.warn('poll stopped at maxPages with pages left: the cursor stays where it was', { maxPages: ctx.config.pagination.maxPages });
  } else if (ctx.config.cursor) {
    const cursor = laterCursor(await ctx.state.get<Cursor>(CURSOR), max);
    if (cursor !== undefined) await ctx.state.set(CURSOR, cursor, CURSOR_TTL_SEC);
  }
  const running = await ctx.state.get<{ poll: string }>(RUNNING);
  if (running?.poll === step.poll) await ctx.state.delete(RUNNING);
}

/** GETs `url` as JSON with the configured headers and credential. */
async function getJson(ctx: Ctx, url: string, origin: string): Promise<{ body: unknown; headers: Record<string, unknown> }> {
  const { config } = ctx;
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(config.headers)) setHeader(headers, name, value);
  let secrets: string[] = [];
  let credentialHeaders: string[] = [];
  // The credential goes only to the configured origin: a next link allowed to lead elsewhere
  // (pagination.crossOrigin) is fetched without it.
  if (config.credential !== undefined && new URL(url).origin === origin) {
    const auth = await credentialAuth(ctx.credentials, config.credential);
    setHeader(headers, ...auth.header);
    secrets = auth.secrets;
    credentialHeaders = [auth.header[0]];
  }
  // The credential's header is dropped on a redirect to another origin (nodes/runtime/http).
  const request = { method: 'GET', url, headers, credentialHeaders };
  const response = await sendHttp(ctx.http, request, ctx.signal);
  if (!isSuccess(response)) throw responseFailure(request, response, secrets);
  try {
    return { body: response.json(), headers: response.headers };
  } catch {
    throw new PermanentError(`GET ${redactUrl(response.url)} answered ${response.status} with a body that isn't JSON`, { code: 'NOT_JSON' });
  }
}
