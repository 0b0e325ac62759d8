/**
 * switch — transform. Routes each message to the ports whose rule holds.
 *
 * Ports:     in → one output per rule (named by `rules[i].port`), otherwise (when `otherwise`)
 * Emits:     the unchanged message on the first port whose rule holds (`first`), or on every such
 *            port (`all`); on `otherwise` when none holds and it is enabled, else nothing (traced).
 * Transient: none (pure).
 * Permanent: a rule fails to evaluate (an error in it, or a guardrail).
 */
import { Type } from '@sinclair/typebox';
import { SINGLE_INPUT } from '../../../flows/ports';
import { PORT_NAME_PATTERN } from '../../../flows/limits';
import { Expression } from '../../fields';
import { Choice } from '../../shared/schema';
import { defineSpec, type ConfigOf } from '../../spec';

const RuleSchema = Type.Object(
  {
    port: Type.String({ title: 'Port', description: 'Name of the output this rule routes to, e.g. `high`.', pattern: PORT_NAME_PATTERN }),
    expression: Expression({ title: 'Condition', description: 'JSONata over the payload; truthy routes the message to this port.' }),
    label: Type.Optional(Type.String({ title: 'Label', description: 'Shown on the port instead of its name.', maxLength: 60 })),
  },
  { additionalProperties: false },
);

export const spec = defineSpec({
  type: 'switch',
  category: 'transform',
  title: 'Switch',
  keywords: ['switch', 'route', 'router', 'branch', 'case', 'condition', 'if', 'jsonata'],
  docs: [
    'Routes each message by rules: every rule is a JSONata condition over the payload and the output port',
    'that the message takes when it holds.',
    '',
    '**Config**',
    '- `rules`: in order; each has a `port` name (unique, not `otherwise` or `error`), a condition `expression`',
    '  (truthy as `$boolean()` reads it), and an optional `label`.',
    '- `mode`: `first` (default) — only the first rule that holds; `all` — every rule that holds.',
    '- `otherwise`: add an `otherwise` port for messages no rule matches (default on); when off they are dropped.',
    '',
    '**Ports**: `in` → one output per rule, plus `otherwise`.',
    '',
    '**Errors**: a rule that fails to evaluate fails the message for good (no retry).',
  ].join('\n'),
  configSchema: Type.Object(
    {
      rules: Type.Array(RuleSchema, { title: 'Rules', minItems: 1, maxItems: 50 }),
      mode: Choice(['first', 'all'], { title: 'Match', description: 'Route to the first rule that holds, or to all that hold.', default: 'first' }),
      otherwise: Type.Boolean({ title: 'Otherwise port', description: 'Add an `otherwise` output for messages that match no rule.', default: true }),
    },
    { additionalProperties: false },
  ),
  ports: {
    inputs: SINGLE_INPUT,
    outputs: [
      { kind: 'each', items: '/config/rules', name: '/port', label: '/label' },
      { kind: 'fixed', name: 'otherwise', when: { path: '/config/otherwise', in: [true] } },
    ],
  },
});

export type SwitchConfig = ConfigOf<typeof spec>;
