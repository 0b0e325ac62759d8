import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { compileExpression, ExpressionError } from './expression';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Outcome {
  source: string;
  ok?: true;
  code?: string;
  message?: string;
}

/**
 * Evaluates in a child process with a small heap (512 MB), so an expression that would kill a
 * process kills only the child: the test then sees its exit instead of losing vitest.
 */
function evaluateInChild(cases: Array<{ source: string; input?: unknown; limits?: Record<string, number> }>): Promise<{ exit: number | string | null; outcomes: Outcome[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=512', '--import', 'tsx', 'flows/testing/evaluate-child.ts', JSON.stringify(cases)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
    child.once('exit', (code, signal) => {
      const lines = out.split('\n').filter((l) => l.startsWith('{'));
      resolve({ exit: signal ?? code, outcomes: lines.map((l) => JSON.parse(l) as Outcome), stderr: out.includes('done\n') ? '' : stderr });
    });
  });
}

/**
 * A clock far beyond what any case needs, so that on a loaded machine the memory bound, not the
 * 1 s default timeout, is always what stops them.
 */
const UNHURRIED = { timeoutMs: 120_000 };

describe('when one evaluation would allocate without limit', () => {
  // Each of these ended the process with a fatal V8 error (invalid size, or heap exhausted)
  // before the memory bound; each now fails alone with MEMORY_LIMIT.
  const killers = [
    '$pad("x", 200000000, "ab")',
    '$length($pad("x", 100000000, "a"))',
    '$join([1..100000].$pad("", 1000, "x"))',
    '$reduce([1..40], function($acc, $i){ $acc & $acc }, "x")',
    '$map([1..100000], function($i){ $pad("", 100000, "x") })',
    '($s := $pad("", 4000000, "x"); $string([1..1000].$s))',
    '$split($pad("", 4000000, "x"), "")',
    '$replace($pad("", 1000000, "x"), "x", "yyyyyyyyyy")',
    '$sort([1..100000].[[1..100000]])',
    '[1..100000].[[1..100000]]',
    '$spread([1..100000].{ $string($): [1..100000] })',
    '$base64encode($pad("", 4000000, "é"))',
    '$eval("$pad(\\"\\", 200000000, \\"x\\")")',
  ];

  it('does fail each with MEMORY_LIMIT, and the process goes on', { timeout: 120_000 }, async () => {
    const { exit, outcomes, stderr } = await evaluateInChild(killers.map((source) => ({ source, limits: UNHURRIED })));
    expect(stderr).toBe('');
    expect(exit).toBe(0);
    expect(outcomes.map((o) => [o.source, o.code])).toEqual(killers.map((source) => [source, 'MEMORY_LIMIT']));
  });

  it('does fail when the payload steers the size ($pad with a length from the input)', { timeout: 30_000 }, async () => {
    const { exit, outcomes } = await evaluateInChild([{ source: '$length($pad("", $number(n), "x"))', input: { n: '200000000' } }, { source: '$length($pad("", $number(n), "x"))', input: { n: '20' } }]);
    expect(exit).toBe(0);
    expect(outcomes.map((o) => o.code ?? 'ok')).toEqual(['MEMORY_LIMIT', 'ok']);
  });
});

/** The error an evaluation rejected with. */
async function failure(source: string, limits = {}, input: unknown = {}): Promise<ExpressionError> {
  const err = await compileExpression(source, limits)
    .evaluate(input)
    .then(
      (value) => expect.unreachable(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 80)}`),
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ExpressionError);
  return err as ExpressionError;
}

describe('when a built-in or an operator builds more than the budget allows', () => {
  // A small budget, so each function's own charge is what trips it (safe to run in-process).
  const small = { ...UNHURRIED, maxAllocationBytes: 200_000, maxStringLength: 50_000 };
  const cases: Array<[string, string]> = [
    ['$zip', '$zip([1..10000], [1..10000], [1..10000])'],
    ['$merge', '$reduce([1..2000], function($acc, $i){ $merge([$acc, { $string($i): $i }]) }, {})'],
    ['$spread', '$spread($merge([1..5000].{ $string($): $ }))'],
    ['$sort', '$sort([1..20000])'],
    ['$append', '$append([1..20000], [1..20000])'],
    ['$keys', '$keys($merge([1..9000].{ $string($): $ }))'],
    ['$string', '$string([1..20000])'],
    ['$match', '$match($join([1..5000].("a")), /a/)'],
    ['$uppercase', '$uppercase($join([1..60000].("a")))'],
    ['range in a loop', '$map([1..30], function($i){ [1..1000] })'],
    ['concatenation in a loop', '$reduce([1..100000], function($acc){ $acc & "xxxxxxxxxx" }, "")'],
    ['concatenation without a loop', Array.from({ length: 20 }, () => '$.s').join(' & ')],
  ];
  for (const [what, source] of cases) {
    it(`does stop ${what} with MEMORY_LIMIT`, async () => {
      const err = await failure(source, small, { s: 'x'.repeat(5_000) });
      expect(err.code).toBe('MEMORY_LIMIT');
    });
  }
});

describe('when an expression stays within its bounds', () => {
  const ok: Array<[string, unknown]> = [
    ['$pad("x", 5, "ab")', 'xabab'],
    ['$pad("x", -3)', '  x'],
    ['$length("héllo")', 5],
    ['$join(["a", "b"], "-")', 'a-b'],
    ['$split("a1b2c", /[0-9]/)', ['a', 'b', 'c']],
    ['$match("a1b22", /[0-9]+/).match', ['1', '22']],
    ['$replace("a1b22", /([0-9]+)/, "<$1>")', 'a<1>b<22>'],
    ['$replace("a-b-c", "-", "+")', 'a+b+c'],
    ['$contains("abc", /b/)', true],
    ['$string({"a": [1, 2]})', '{"a":[1,2]}'],
    ['$sum($map([1..1000], function($i){ $i }))', 500500],
    ['$count($zip([1, 2], [3, 4]))', 2],
    ['$merge([{"a": 1}, {"b": 2}])', { a: 1, b: 2 }],
    ['$eval("1 + 2")', 3],
  ];
  for (const [source, expected] of ok) {
    it(`does evaluate ${source} as before`, async () => {
      expect(await compileExpression(source).evaluate({})).toEqual(expected);
    });
  }
});
