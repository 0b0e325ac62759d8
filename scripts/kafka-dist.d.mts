// Types of scripts/kafka-dist.mjs (plain ESM, so that setup.mjs can import it before node_modules exists).
import type { SpawnSyncOptions } from 'node:child_process';

export declare const KAFKA_VERSION: string;
export declare function kafkaHome(): string;
export declare function kafkaLibs(): string;
export declare function kafkaDistState(): string | null;
export declare function installKafkaDist(run?: (cmd: string, args: string[], opts: SpawnSyncOptions, failure: string) => void): void;
