/**
 * `npm start`'s demo services (demo/): started on loopback unless `TRIBUTARY_DEMO=off`, and
 * named to the flows as flow variables (`DEMO_URL`, `CRM_URL`…). A variable a user has set
 * stays as it is; only those the demo set before follow the demo to its new port.
 */
import { startDemo, type DemoServer } from '../demo/server';
import type { Engine } from '../engine/engine';
import type { Pino } from '../engine/logger';

export function demoEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|false|0|no)$/i.test(env.TRIBUTARY_DEMO ?? '');
}

export async function startDemoServices(engine: Engine, log: Pino): Promise<DemoServer> {
  const demo = await startDemo();
  const kept: string[] = [];
  for (const [name, value] of Object.entries(demo.variables())) {
    if (!(await engine.variables.put(name, value, 'demo'))) kept.push(name);
  }
  log.info({ url: demo.url, ...(kept.length > 0 && { keptUserVariables: kept }) }, 'demo services running');
  return demo;
}
