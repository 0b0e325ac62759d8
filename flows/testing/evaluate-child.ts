/**
 * Evaluates expressions in a process of its own, for tests of what would end a process: reads
 * `[{ source, input, limits }]` as JSON from argv, prints one JSON line per evaluation (`{ ok, value }`
 * or `{ code, message }`), then `done`. If an evaluation kills the process, the test sees the exit.
 */
import { compileExpression, ExpressionError, type ExpressionLimits } from '../expression';

const cases = JSON.parse(process.argv[2] ?? '[]') as Array<{ source: string; input?: unknown; limits?: Partial<ExpressionLimits> }>;
for (const { source, input, limits } of cases) {
  try {
    const value = await compileExpression(source, limits).evaluate(input ?? {});
    process.stdout.write(`${JSON.stringify({ source, ok: true, size: JSON.stringify(value)?.length ?? 0 })}\n`);
  } catch (err) {
    const code = err instanceof ExpressionError ? err.code : 'NOT_AN_EXPRESSION_ERROR';
    process.stdout.write(`${JSON.stringify({ source, code, message: (err as Error).message })}\n`);
  }
}
process.stdout.write('done\n');
