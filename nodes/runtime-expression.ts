/** A compiled JSONata expression, as a runtime sees it (see flows/expression.ts). */
export interface Expression {
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}
