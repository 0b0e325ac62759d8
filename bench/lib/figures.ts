/** Figures shared by several scenarios: the cost of a measured window, per message. */
import type { Figure } from '../scenario';
import type { Throughput } from './load';

/** Node CPU, Redis CPU and Redis commands per message of a throughput window. */
export function costFigures(label: string, t: Throughput, base?: Throughput): Figure[] {
  const perMessage = (x: Throughput) => (x.completed > 0 ? x.commands / x.completed : Number.NaN);
  return [
    { name: `${label} Node CPU`, value: t.nodeCpu, unit: 'cores', ...(base && { baseline: base.nodeCpu }) },
    { name: `${label} Redis CPU`, value: t.redisCpu, unit: 'cores', ...(base && { baseline: base.redisCpu }) },
    { name: `${label} Redis commands/message`, value: perMessage(t), unit: 'cmds', ...(base && { baseline: perMessage(base) }) },
  ];
}
