/** Builds the services a server process needs around one engine. */
import { join } from 'node:path';
import type { Engine } from '../engine/engine';
import type { ServerContext } from './context';
import { FlowService } from './flow-service';
import { FlowStore } from './flow-store';
import { servedCatalogue } from './served-catalogue';
import { VERSION } from './version';


export function createServerContext(engine: Engine, dataDir: string): ServerContext {
  const { specs, catalogue } = servedCatalogue();
  return {
    engine,
    flows: new FlowService(new FlowStore(join(dataDir, 'flows')), engine, catalogue),
    catalogue,
    specs,
    log: engine.log,
    version: VERSION,
  };
}
