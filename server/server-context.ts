/** Builds the services a server process needs around one engine. */
import { join } from 'node:path';
import { nodeCatalogue, NODE_SPECS } from '../nodes/catalogue';
import type { Engine } from '../engine/engine';
import type { ServerContext } from './context';
import { FlowService } from './flow-service';
import { FlowStore } from './flow-store';
import { servedCatalogue } from './catalogue';
import { VERSION } from './version';


export function createServerContext(engine: Engine, dataDir: string): ServerContext {
  return {
    engine,
    flows: new FlowService(new FlowStore(join(dataDir, 'flows')), engine, nodeCatalogue),
    catalogue: nodeCatalogue,
    specs: servedCatalogue(NODE_SPECS),
    log: engine.log,
    version: VERSION,
  };
}
