/**
 * The runtimes of this build, by node type: what the engine's processor dispatches on.
 * Server-only — runtimes reach node:fs, node:http and ajv — so the editor must import
 * `nodes/catalogue.ts` (specs only), never this module.
 */
import type { NodeRuntime } from './runtime';
import { runtime as inject } from './source/inject/run';
import { runtime as webhook } from './source/webhook/run';
import { runtime as schedule } from './source/schedule/run';
import { runtime as httpPoll } from './source/http-poll/run';
import { runtime as kafkaConsume } from './source/kafka-consume/run';
import { runtime as map } from './transform/map/run';
import { runtime as filter } from './transform/filter/run';
import { runtime as switchRuntime } from './transform/switch/run';
import { runtime as split } from './transform/split/run';
import { runtime as validate } from './transform/validate/run';
import { runtime as merge } from './merge/merge/run';
import { runtime as httpRequest } from './sink/http-request/run';
import { runtime as file } from './sink/file/run';
import { runtime as log } from './sink/log/run';
import { runtime as httpReply } from './sink/http-reply/run';
import { runtime as kafkaProduce } from './sink/kafka-produce/run';
import { runtime as saga } from './saga/saga/run';

// Each runtime is typed by its own config; the registry forgets it, and the engine hands every
// runtime the config its spec's schema validated.
const ALL: NodeRuntime<any>[] = [inject, webhook, schedule, httpPoll, kafkaConsume, map, filter, switchRuntime, split, validate, merge, httpRequest, file, log, kafkaProduce, httpReply, saga];

/** Node type → runtime. */
export const RUNTIMES: ReadonlyMap<string, NodeRuntime<any>> = new Map(ALL.map((runtime) => [runtime.type, runtime]));

/** The node types this build can run: what `GET /api/nodes` marks `implemented` (server/catalogue.ts). */
export const IMPLEMENTED_TYPES: readonly string[] = Object.freeze([...RUNTIMES.keys()]);
