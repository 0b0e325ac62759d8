/**
 * The `tributary` command line: global options, the command groups, and one place that turns any
 * failure into a message on stderr and a non-zero exit code.
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version';
import { ApiClient, CliError } from './api-client';
import type { CliContext } from './context';
import { deployCommands } from './deploy';
import { flowCommands } from './flows';
import { createOutput, type Io } from './output';
import { runCommands } from './runs';

export const DEFAULT_SERVER = 'http://127.0.0.1:8400';

interface GlobalOptions {
  server: string;
  token?: string;
  json?: boolean;
}

export function buildProgram(io: Io): Command {
  const program = new Command('tributary')
    .description('Deploy, export and inspect Tributary flows over the REST API.')
    .version(VERSION)
    .addOption(new Option('--server <url>', 'the Tributary server').env('TRIBUTARY_SERVER').default(DEFAULT_SERVER))
    .addOption(new Option('--token <token>', "the server's API token, needed unless it is bound to loopback only (prefer the variable: arguments show in process lists)").env('TRIBUTARY_TOKEN'))
    .option('--json', 'print machine-readable JSON on stdout')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(tributary --help lists the commands)')
    .exitOverride();
  const options = () => program.opts<GlobalOptions>();
  const ctx: CliContext = {
    client: () => {
      const { server, token } = options();
      return new ApiClient({ server, ...(token && { token }) });
    },
    out: () => createOutput(io, options().json === true),
  };
  // Subcommands inherit the output, help and exit settings above, so the groups come after them.
  for (const group of [deployCommands, flowCommands, runCommands]) group(program, ctx);
  return program;
}

/** Runs the CLI on `argv` (as in `process.argv`); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    // Commander has already printed usage errors, help and the version.
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    io.stderr(`error: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.TRIBUTARY_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 1;
  }
}
