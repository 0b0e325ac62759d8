/** `runs <flowId>`, `dead-letters <flowId>`, `replay <flowId> <letterId>`: what a flow did and what it couldn't. */
import type { PageOf, ReplayResult } from '../../contracts/api';
import { positiveInt, type CommandGroup } from './context';
import { readJsonFile } from './files';
import { duration, table, time } from './output';

const shown = (page: PageOf<unknown>, what: string) => `${page.items.length} of ${page.total} ${what}${page.offset ? ` (from ${page.offset})` : ''}`;

/** First line of an error message, shortened: a table cell, not a stack. */
const short = (text: string | undefined, max = 60) => {
  const line = (text ?? '').split('\n')[0]!;
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export const runCommands: CommandGroup = (program, ctx) => {
  program
    .command('runs')
    .description("list a flow's runs, newest first")
    .argument('<flowId>', 'the flow')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .option('--offset <n>', 'skip this many', positiveInt('--offset', 0), 0)
    .action(async (flowId: string, options: { limit: number; offset: number }) => {
      const page = await ctx.client().api.listRuns(flowId, { offset: options.offset, limit: options.limit });
      ctx.out().result(page, () =>
        page.items.length === 0
          ? `no runs of flow "${flowId}"${page.total > 0 ? ` past offset ${options.offset} (${page.total} in all)` : ''}`
          : `${table(page.items, [
              { header: 'RUN', value: (r) => r.runId },
              { header: 'STATUS', value: (r) => r.status },
              { header: 'REV', value: (r) => r.revision, right: true },
              { header: 'STARTED', value: (r) => time(r.startedAt) },
              { header: 'DURATION', value: (r) => duration(r.durationMs), right: true },
              { header: 'OK', value: (r) => r.completed, right: true },
              { header: 'FAILED', value: (r) => r.failed, right: true },
              { header: 'DEAD', value: (r) => r.deadLettered, right: true },
              { header: 'PENDING', value: (r) => r.pending, right: true },
            ])}\n${shown(page, 'runs')}`,
      );
    });

  program
    .command('dead-letters')
    .description("list a flow's dead letters, newest first: messages that failed for good, kept for replay")
    .argument('<flowId>', 'the flow')
    .option('--limit <n>', "how many (default: the server's page size)", positiveInt('--limit'))
    .option('--offset <n>', 'skip this many', positiveInt('--offset', 0))
    .option('--node <nodeId>', "only this node's letters")
    .action(async (flowId: string, options: { limit?: number; offset?: number; node?: string }) => {
      const page = await ctx.client().api.listDeadLetters(flowId, options);
      ctx.out().result(page, () =>
        page.items.length === 0
          ? `no dead letters in flow "${flowId}"`
          : `${table(page.items, [
              { header: 'ID', value: (d) => d.id },
              { header: 'NODE', value: (d) => (d.nodeType ? `${d.nodeId} (${d.nodeType})` : d.nodeId) },
              { header: 'FAILED', value: (d) => time(d.failedAt) },
              { header: 'ATTEMPTS', value: (d) => d.attempts, right: true },
              { header: 'REPLAYS', value: (d) => d.replays, right: true },
              { header: 'ERROR', value: (d) => short(d.error?.message) },
            ])}\n${shown(page, 'dead letters')}`,
      );
    });

  program
    .command('replay')
    .description('send a dead letter through its node again, optionally with an edited payload')
    .argument('<flowId>', 'the flow')
    .argument('<letterId>', 'the dead letter')
    .option('--payload <file>', 'a JSON file whose content replaces the message payload')
    .action(async (flowId: string, letterId: string, options: { payload?: string }) => {
      const edit = options.payload === undefined ? undefined : { payload: await readJsonFile(options.payload) };
      const result: Partial<ReplayResult> | undefined = await ctx.client().api.replay(flowId, letterId, edit);
      ctx.out().result(result ?? { replayed: letterId }, () =>
        `replayed dead letter ${letterId} of flow "${flowId}"${result?.runId ? ` in run ${result.runId}` : ''}${result?.revision !== undefined ? ` (revision ${result.revision})` : ''}`,
      );
    });
};
