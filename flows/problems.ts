/**
 * Validation problems: every one says what is wrong and where (a JSON pointer into the flow
 * document), so the editor can mark the node or edge and the API can list the same problems.
 */

export const PROBLEM_CODES = [
  'not-json',
  'too-large',
  'forbidden-key',
  'shape',
  'config',
  'expression',
  'unknown-type',
  'unavailable',
  'duplicate-id',
  'missing-node',
  'unknown-port',
  'source-input',
  'sink-output',
  'duplicate-edge',
  'cycle',
  'policy',
  'too-many-problems',
  'internal',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface Problem {
  /** RFC 6901 pointer into the document; `""` for the document as a whole. */
  pointer: string;
  message: string;
  code: ProblemCode;
  /** The node the problem belongs to, when it belongs to one. */
  nodeId?: string;
  /** The edge the problem belongs to, when it belongs to one. */
  edgeId?: string;
}

/** Collects problems up to a cap; past it, one closing problem says how many were left out. */
export class ProblemList {
  readonly #items: Problem[] = [];
  #dropped = 0;

  constructor(private readonly cap: number) {}

  add(problem: Problem): void {
    if (this.#items.length < this.cap) this.#items.push(problem);
    else this.#dropped++;
  }

  get size(): number {
    return this.#items.length + this.#dropped;
  }

  get full(): boolean {
    return this.#items.length >= this.cap;
  }

  toArray(): Problem[] {
    if (this.#dropped === 0) return [...this.#items];
    return [
      ...this.#items,
      { pointer: '', code: 'too-many-problems', message: `${this.#dropped} more problems not listed (at most ${this.cap} are)` },
    ];
  }
}
