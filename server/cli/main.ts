/**
 * Entry point of `tributary` (bin/tributary.mjs runs it under tsx; `npm run cli -- …` too).
 * Sets the exit code rather than calling process.exit, so stdout is flushed when piped.
 */
import { runCli } from './program';

process.exitCode = await runCli(process.argv, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
