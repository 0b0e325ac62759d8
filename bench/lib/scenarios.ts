/** Finds the scenarios: every module in bench/scenarios/ (so a new file is picked up by itself). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Scenario } from '../scenario';

export const SCENARIOS_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

function isScenario(value: unknown): value is Scenario {
  const s = value as Partial<Scenario> | null;
  return typeof s === 'object' && s !== null && typeof s.id === 'string' && typeof s.title === 'string' && typeof s.run === 'function';
}

/** Every scenario module in bench/scenarios/ (its default export, or any exported Scenario). */
export async function loadScenarios(dir = SCENARIOS_DIR): Promise<Scenario[]> {
  const files = readdirSync(dir)
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/\.test\.|\.d\.ts$/.test(f))
    .sort();
  const found: Scenario[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>;
    const exported = [mod.default, ...Object.entries(mod).filter(([k]) => k !== 'default').map(([, v]) => v)].filter(isScenario);
    if (exported.length === 0) throw new Error(`bench/scenarios/${file} exports no Scenario`);
    for (const s of exported) {
      if (found.includes(s)) continue;
      const twin = found.find((f) => f.id === s.id);
      if (twin) throw new Error(`two scenarios have the id "${s.id}" (bench/scenarios/${file} and another)`);
      found.push(s);
    }
  }
  return found;
}

