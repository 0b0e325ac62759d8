/** The one table the runner prints: figure, value, baseline, ratio, target. */
import type { Figure } from '../scenario';

export interface ScenarioResult {
  id: string;
  title: string;
  seconds: number;
  figures: Figure[];
  error?: string;
}

export function formatNumber(n: number | undefined): string {
  if (n === undefined) return '';
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

export function formatTable(results: readonly ScenarioResult[]): string {
  const rows: string[][] = [['scenario', 'figure', 'value', 'unit', 'baseline', 'ratio', 'target']];
  for (const r of results) {
    if (r.error) rows.push([r.id, `FAILED: ${r.error.split('\n')[0]}`, '', '', '', '', '']);
    for (const f of r.figures) {
      rows.push([r.id, f.name, formatNumber(f.value), f.unit, formatNumber(f.baseline), f.ratio === undefined ? '' : `${formatNumber(f.ratio)}×`, f.target ?? '']);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((row) => row[c]!.length))));
  const numeric = new Set([2, 4, 5]);
  const line = (row: string[]) => row.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
