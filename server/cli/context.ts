/** What every command gets: the API client and the output, both built from the global options. */
import { type Command, InvalidArgumentError } from 'commander';
import type { ApiClient } from './api-client';
import type { Output } from './output';

export interface CliContext {
  client(): ApiClient;
  out(): Output;
}

/** One command group: adds its commands to the program. */
export type CommandGroup = (program: Command, ctx: CliContext) => void;

/** Parses an integer option/argument; commander reports a bad one as a usage error. */
export function positiveInt(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}.`);
    return n;
  };
}
