/**
 * The REST API's shapes, written once as TypeBox schemas: the server's route table validates and
 * describes (OpenAPI) with them, the engine stores records of their types, and the editor and the
 * CLI read answers typed by them. Pure: no Node built-ins, safe for the editor bundle.
 */
export * from './common';
export * from './credentials';
export * from './dead-letters';
export * from './deployments';
export * from './flows';
export * from './counters';
export * from './runs';
export * from './system';
export * from './components';
export * from './client';
export * from './variables';
