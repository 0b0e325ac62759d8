/** What every command gets: the API client and the output, both built from the global options. */
import { type Command, InvalidArgumentError } from 'commander';
import type { Static } from '@sinclair/typebox';
import type { DeployResultSchema, FlowSummarySchema, FlowViewSchema } from '../routes/schemas';
import type { ApiClient } from './api-client';
import type { Output } from './output';

export interface CliContext {
  client(): ApiClient;
  out(): Output;
}

/** One command group: adds its commands to the program. */
export type CommandGroup = (program: Command, ctx: CliContext) => void;

/** Shapes of the API's answers the CLI reads: the server's own schemas. */
export type FlowView = Static<typeof FlowViewSchema> & { copiedFrom?: string };
export type FlowSummary = Static<typeof FlowSummarySchema>;
export type DeployResult = Static<typeof DeployResultSchema>;

/** Parses an integer option/argument; commander reports a bad one as a usage error. */
export function positiveInt(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}.`);
    return n;
  };
}
