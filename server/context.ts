/**
 * What route handlers reach: the services, never Redis or BullMQ directly.
 */
import type { Catalogue } from '../flows/catalogue';
import type { Engine } from '../engine/engine';
import type { Pino } from '../engine/logger';
import type { ServedSpec } from './served-catalogue';
import type { FlowService } from './flow-service';

export interface ServerContext {
  engine: Engine;
  flows: FlowService;
  catalogue: Catalogue;
  /** The catalogue as served: each spec with whether this build can run it. */
  specs: readonly ServedSpec[];
  log: Pino;
  version: string;
}
