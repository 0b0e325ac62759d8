/**
 * switch — rules are evaluated in order. `first` stops at the first rule that holds (later rules
 * are not evaluated, so they can't fail the message); `all` evaluates every rule and emits the
 * unchanged payload once per rule that holds, in rule order. No rule holding → `otherwise` when
 * enabled, else nothing.
 */
import type { Emission, NodeRuntime } from '../../runtime';
import { compileField, evaluateField } from '../../shared/expressions';
import { truthy } from '../../shared/truthy';
import type { SwitchConfig } from './spec';

export const runtime: NodeRuntime<SwitchConfig> = {
  type: 'switch',
  prepare(ctx) {
    ctx.config.rules.forEach((rule, i) => compileField(ctx, `rules[${i}].expression`, rule.expression));
  },
  async run(ctx, message) {
    const { rules, mode, otherwise } = ctx.config;
    const out: Emission[] = [];
    for (const [i, rule] of rules.entries()) {
      if (!truthy(await evaluateField(ctx, message, `rules[${i}].expression`, rule.expression))) continue;
      out.push({ port: rule.port, payload: message.payload });
      if (mode === 'first') break;
    }
    if (out.length === 0 && otherwise) out.push({ port: 'otherwise', payload: message.payload });
    return out;
  },
};
