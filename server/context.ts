/**
 * What route handlers reach: the services, never Redis or BullMQ directly.
 */
import type { Catalogue } from '../flows/catalogue';
import type { NodeSpec } from '../nodes/spec';
import type { Engine } from '../engine/engine';
import type { Pino } from '../engine/logger';
import type { FlowService } from './flow-service';

export interface ServerContext {
  engine: Engine;
  flows: FlowService;
  catalogue: Catalogue;
  specs: readonly NodeSpec[];
  log: Pino;
  version: string;
}
