/**
 * log — sink. Writes a value to the server log and the run's trace, where the editor shows it.
 *
 * Ports:     in → (no outputs)
 * Emits:     nothing downstream; the logged value is the node's traced result.
 * Transient: none.
 * Permanent: a failing expression.
 * Delivery:  at least once (a retried run can log twice); values are redacted and size-capped
 *            like every trace preview.
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { Expression } from '../../fields';
import { Choice } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

export const spec = defineSpec({
  type: 'log',
  category: 'sink',
  title: 'Log',
  keywords: ['log', 'debug', 'print', 'console', 'inspect', 'trace', 'output'],
  docs: [
    'Logs a value for each message: it appears in the editor\'s log panel and the run\'s trace, and in the',
    'server\'s JSON log with the flow, node and run ids.',
    '',
    '**Config**',
    '- `level`: `debug`, `info` (default), `warn` or `error`.',
    '- `value`: JSONata giving what to log, default `$` (the payload), e.g. `{ "order": orderId, "total": total }`.',
    '',
    '**Ports**: `in` only.',
    '',
    '**Guarantees**: at least once; large values are cut and secrets redacted as in every trace preview.',
  ].join('\n'),
  configSchema: Type.Object(
    {
      level: Choice(['debug', 'info', 'warn', 'error'], { title: 'Level', default: 'info' }),
      value: Expression({ title: 'Value', description: 'JSONata giving what to log.', default: '$' }),
    },
    { additionalProperties: false },
  ),
  ports: { inputs: SINGLE_INPUT, outputs: [] },
});

export type LogConfig = ConfigOf<typeof spec>;
