/**
 * The contract every benchmark scenario follows, so that one runner (`npm run bench`) can run
 * them all, print one table and write one results file.
 *
 * A scenario measures its subject and, in the same invocation, its baseline (bare BullMQ, a bare
 * React Flow page, plain JSONata…): on a shared 2-core machine only a ratio taken side by side
 * means anything, so every figure that has a baseline carries it.
 */

/** One measured figure: a median over the scenario's repeated runs. */
export interface Figure {
  /** What was measured, e.g. "linear flow messages/s". */
  name: string;
  value: number;
  unit: string;
  /** The same figure for the baseline, measured in the same invocation. */
  baseline?: number;
  /** value / baseline, or the ratio that makes "higher is better" read the same way. */
  ratio?: number;
  /** The target, as the issue states it (e.g. "≥ 0.8× baseline"), for the table. */
  target?: string;
}

export interface ScenarioOptions {
  /** `--quick`: prove the scenario still runs; tiny sizes, no judging, nothing written in the tree. */
  quick: boolean;
  /** Progress lines for the person watching. */
  log(line: string): void;
}

export interface Scenario {
  /** Short id used on the command line (`npm run bench -- linear`), e.g. "linear". */
  id: string;
  title: string;
  run(options: ScenarioOptions): Promise<Figure[]>;
}
