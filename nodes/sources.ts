/**
 * The sources of this build, by node type (nodes/source-contract.ts): what the engine starts
 * messages through. Every source node type has one beside its runtime; a flow with a source node
 * whose type has none can't be deployed. Server-only, like nodes/runtimes.ts.
 */
import type { Source } from './source-contract';
import { source as inject } from './source/inject/source';
import { source as webhook } from './source/webhook/source';
import { source as schedule } from './source/schedule/source';
import { source as httpPoll } from './source/http-poll/source';
import { source as kafkaConsume } from './source/kafka-consume/source';

// Each source is typed by its own config; the registry forgets it, and the engine hands every
// source the config its spec's schema validated.
const ALL: Source<any>[] = [inject, webhook, schedule, httpPoll, kafkaConsume];

/** Node type → source. */
export const SOURCES: ReadonlyMap<string, Source<any>> = new Map(ALL.map((source) => [source.type, source]));
