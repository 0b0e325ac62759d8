/**
 * How runtimes compile and evaluate their config's expressions, so every node reports a failing
 * expression the same way: a {@link PermanentError} naming the config field, with JSONata's code
 * (D1012 timeout, D1011 too deep, T2001 …) as its `code` and the ExpressionError as its `cause`.
 * An expression's failure follows from the expression and its input, so retrying can't help.
 */
import { ExpressionError } from '../../flows/expression';
import { PermanentError } from '../errors';
import type { Expression, Message, NodeContext, PrepareContext } from '../runtime';
import { bindingsOf } from './bindings';

type Compiles = Pick<PrepareContext<unknown>, 'expression'>;

/** Compiles `source` (cached by the context), failing with a PermanentError that names `field`. */
export function compileField(ctx: Compiles, field: string, source: string): Expression {
  try {
    return ctx.expression(source);
  } catch (error) {
    throw asPermanent(field, error);
  }
}

/**
 * Evaluates the expression of config `field` over the message's payload with `bindings`: by
 * default {@link bindingsOf} the message; a node adding its own variables (a saga's `$steps`)
 * passes them on top of those.
 */
export async function evaluateField(
  ctx: NodeContext<unknown>,
  message: Message,
  field: string,
  source: string,
  bindings: Record<string, unknown> = bindingsOf(message),
): Promise<unknown> {
  const expression = compileField(ctx, field, source);
  try {
    return await expression.evaluate(message.payload, bindings);
  } catch (error) {
    throw asPermanent(field, error);
  }
}

/** ExpressionErrors become PermanentErrors; anything else (an abort's reason) passes unchanged. */
function asPermanent(field: string, error: unknown): unknown {
  if (!(error instanceof ExpressionError)) return error;
  return new PermanentError(`${field}: ${error.message}`, { cause: error, code: error.code ?? 'EXPRESSION' });
}
