import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeCatalogue } from '../../nodes/catalogue';
import { validateFlow } from '../validate';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('when the example flows are validated', () => {
  it('finds examples to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  it.each(files)('%s is valid and named after its file', (file) => {
    const doc = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
    expect(validateFlow(doc, nodeCatalogue).problems).toEqual([]);
    expect(`${doc.id}.json`).toBe(file);
  });
});
