/** `flows`, `export <flowId>`, `import <file…>`: listing flows and moving them between servers as files. */
import { formatProblems } from './api-client';
import type { CommandGroup } from './context';
import { readJsonFile, writeJsonFile } from './files';
import { table, time } from './output';

export const flowCommands: CommandGroup = (program, ctx) => {
  program
    .command('flows')
    .description('list saved flows with their latest and deployed revisions')
    .action(async () => {
      const flows = await ctx.client().api.listFlows();
      ctx.out().result(flows, () =>
        flows.length === 0
          ? 'no flows saved'
          : table(flows, [
              { header: 'ID', value: (f) => f.id },
              { header: 'NAME', value: (f) => f.name },
              { header: 'REVISION', value: (f) => f.revision, right: true },
              { header: 'DEPLOYED', value: (f) => f.deployedRevision, right: true },
              { header: 'SAVED', value: (f) => time(f.savedAt) },
            ]),
      );
    });

  program
    .command('export')
    .description('write a flow document, ready to import elsewhere (credentials by name only)')
    .argument('<flowId>', 'the flow')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (flowId: string, options: { output?: string }) => {
      const doc = await ctx.client().api.exportFlow(flowId);
      const out = ctx.out();
      if (options.output === undefined) {
        // The document itself is the output, in either mode.
        out.result(doc, () => JSON.stringify(doc, null, 2));
        return;
      }
      await writeJsonFile(options.output, doc);
      out.result({ flowId, file: options.output }, () => `flow "${flowId}" written to ${options.output}`);
    });

  program
    .command('import')
    .description('import flow documents (a file may hold one or an array); an existing id fails unless --copy')
    .argument('<file...>', 'flow document files')
    .option('--copy', 'import a flow whose id exists under a new id (<id>-copy) instead of failing')
    .action(async (files: string[], options: { copy?: boolean }) => {
      const docs: unknown[] = [];
      for (const file of files) {
        const content = await readJsonFile(file);
        docs.push(...(Array.isArray(content) ? content : [content]));
      }
      // One request: the server imports all or, on a clash without --copy, none.
      const imported = await ctx.client().api.importFlows(docs, options.copy ? 'copy' : 'fail');
      const out = ctx.out();
      for (const flow of imported) {
        if (flow.problems.length > 0) out.warn(`flow "${flow.id}" was imported as a draft with ${flow.problems.length} problem(s); it can't be deployed until they are fixed:\n${formatProblems(flow.problems)}`);
      }
      out.result(
        imported.map((f) => ({ id: f.id, revision: f.revision, ...(f.copiedFrom && { copiedFrom: f.copiedFrom }), problems: f.problems })),
        () => imported.map((f) => `imported flow "${f.id}" (revision ${f.revision})${f.copiedFrom ? `, a copy of "${f.copiedFrom}"` : ''}`).join('\n'),
      );
    });
};
