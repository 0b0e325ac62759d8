/**
 * The node catalogue: every node type's spec, grouped by category in palette order. Pure — it
 * imports spec files only (never a runtime), so the editor, validation and `GET /api/nodes` can
 * all import it without pulling in server code.
 */
import { catalogueOf } from '../flows/catalogue';
import type { NodeSpec } from './spec';
import { spec as inject } from './source/inject/spec';
import { spec as schedule } from './source/schedule/spec';
import { spec as webhook } from './source/webhook/spec';
import { spec as httpPoll } from './source/http-poll/spec';
import { spec as kafkaConsume } from './source/kafka-consume/spec';
import { spec as map } from './transform/map/spec';
import { spec as filter } from './transform/filter/spec';
import { spec as switchSpec } from './transform/switch/spec';
import { spec as split } from './transform/split/spec';
import { spec as validate } from './transform/validate/spec';
import { spec as merge } from './merge/merge/spec';
import { spec as saga } from './saga/saga/spec';
import { spec as httpRequest } from './sink/http-request/spec';
import { spec as kafkaProduce } from './sink/kafka-produce/spec';
import { spec as file } from './sink/file/spec';
import { spec as log } from './sink/log/spec';
import { spec as httpReply } from './sink/http-reply/spec';

/** Every node type, by category (source, transform, merge, saga, sink), then palette order. */
export const NODE_SPECS: readonly NodeSpec[] = [
  inject,
  schedule,
  webhook,
  httpPoll,
  kafkaConsume,
  map,
  filter,
  switchSpec,
  split,
  validate,
  merge,
  saga,
  httpRequest,
  kafkaProduce,
  file,
  log,
  httpReply,
];

/** The same specs by type name, as flow validation takes them. */
export const nodeCatalogue = catalogueOf(NODE_SPECS);
