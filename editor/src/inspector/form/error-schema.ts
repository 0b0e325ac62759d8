/**
 * validateFlow's problems for one node's config, as rjsf's `extraErrors`: each message lands under
 * the field its pointer names. Expression problems are left out: the expression fields check
 * themselves as you type.
 */
import type { ErrorSchema } from '@rjsf/utils';
import type { Problem } from '../../../../flows/problems';
import { configPath } from '../../model/problem-index';

type Node = { __errors?: string[]; [key: string]: unknown };

export function errorSchemaFor(problems: readonly Problem[], nodeIndex: number): ErrorSchema {
  const root: Node = {};
  for (const problem of problems) {
    if (problem.code === 'expression') continue;
    const path = configPath(problem, nodeIndex);
    if (!path) continue;
    let at = root;
    for (const token of path) {
      if (token === '__errors') break;
      at = (at[token] ??= {}) as Node;
    }
    (at.__errors ??= []).push(problem.message);
  }
  return root as ErrorSchema;
}
