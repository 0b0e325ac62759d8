/**
 * `deploy <file…>` — what a CI pipeline calls: each flow file is created or saved as a new
 * revision, then that revision deployed. An unchanged file saves nothing (the server answers the
 * same revision) and deploys nothing (`changed: false`), and says so.
 * `rollback <flowId> <revision>` — deploys an earlier saved revision.
 */
import { CliError, type ApiClient } from './api-client';
import type { DeployResult, FlowView } from '../../contracts/api';
import { positiveInt, type CommandGroup } from './context';
import { readFlowFile } from './files';

export type DeployOutcome =
  | { file: string; ok: true; flowId: string; revision: number; saved: 'created' | 'updated' | 'unchanged'; deployed: boolean }
  | { file: string; ok: false; flowId?: string; error: string; status?: number; problems?: unknown };

async function currentFlow(client: ApiClient, id: string): Promise<FlowView | undefined> {
  try {
    return await client.api.getFlow(id);
  } catch (error) {
    if (error instanceof CliError && error.status === 404) return undefined;
    throw error;
  }
}

/** Saves one file's flow (create or update against the revision just read), then deploys exactly that revision. */
export async function deployFile(client: ApiClient, file: string): Promise<Extract<DeployOutcome, { ok: true }>> {
  const { id, doc } = await readFlowFile(file);
  const current = await currentFlow(client, id);
  const view = current
    ? await client.request<FlowView>('PUT', `/api/flows/${encodeURIComponent(id)}`, { body: doc, headers: { 'if-match': `"${current.revision}"` } })
    : await client.request<FlowView>('POST', '/api/flows', { body: doc });
  const saved = !current ? 'created' : view.revision === current.revision ? 'unchanged' : 'updated';
  let result: DeployResult;
  try {
    // The revision we saved, not "the latest": someone saving in between must not get theirs deployed by us.
    result = await client.api.deploy(id, view.revision);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const note = saved === 'unchanged' ? `flow "${id}" is at revision ${view.revision}` : `saved as revision ${view.revision} of flow "${id}"`;
    throw new CliError(`${note}, but not deployed — ${error.message}`, error.status, error.problems, error.body);
  }
  return { file, ok: true, flowId: id, revision: result.revision, saved, deployed: result.changed };
}

function describe(outcome: Extract<DeployOutcome, { ok: true }>): string {
  const { file, flowId, revision, saved, deployed } = outcome;
  const head = `${file} → flow "${flowId}":`;
  if (saved === 'unchanged') return deployed ? `${head} unchanged at revision ${revision}, deployed` : `${head} unchanged, revision ${revision} already deployed (nothing to do)`;
  return `${head} ${saved === 'created' ? 'created' : 'saved'} revision ${revision}, ${deployed ? 'deployed' : 'already deployed'}`;
}

export const deployCommands: CommandGroup = (program, ctx) => {
  program
    .command('deploy')
    .description('create or update each flow file on the server, then deploy it (an unchanged file is a no-op)')
    .argument('<file...>', 'flow document files (JSON, one flow each)')
    .action(async (files: string[]) => {
      const client = ctx.client();
      const out = ctx.out();
      const outcomes: DeployOutcome[] = [];
      // Every file is tried, so one broken flow doesn't hide the state of the others; any failure fails the command.
      for (const file of files) {
        try {
          const outcome = await deployFile(client, file);
          outcomes.push(outcome);
          out.note(describe(outcome));
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          const message = error.message.startsWith(`${file}:`) ? error.message : `${file}: ${error.message}`;
          outcomes.push({ file, ok: false, error: message, ...(error.status && { status: error.status }), ...(error.problems.length > 0 && { problems: error.problems }) });
          out.warn(message);
        }
      }
      if (out.json) out.result(outcomes, () => '');
      const failed = outcomes.filter((o) => !o.ok).length;
      if (failed > 0) throw new CliError(`${failed} of ${files.length} flow file(s) not deployed`);
    });

  program
    .command('rollback')
    .description('deploy an earlier saved revision of a flow')
    .argument('<flowId>', 'the flow')
    .argument('<revision>', 'the revision to deploy', positiveInt('revision'))
    .action(async (flowId: string, revision: number) => {
      const result = await ctx.client().api.deploy(flowId, revision);
      ctx.out().result(result, () => (result.changed ? `flow "${flowId}": deployed revision ${result.revision}` : `flow "${flowId}": revision ${result.revision} is already deployed (nothing to do)`));
    });
};
