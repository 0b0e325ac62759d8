/**
 * The example flows shipped in flows/examples, loaded on first start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FlowDocument } from '../flows/schema';

const EXAMPLES_DIR = fileURLToPath(new URL('../flows/examples/', import.meta.url));

export function exampleFlows(): FlowDocument[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(`${EXAMPLES_DIR}/${f}`, 'utf8')) as FlowDocument);
}
