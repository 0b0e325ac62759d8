import { describe, expect, it } from 'vitest';
import { nodeCatalogue } from '../../../nodes/catalogue';
import { checkImport } from './import-check';

describe('when a document is checked for import', () => {
  it('refuses what is not a flow document, listing every problem at once', () => {
    const result = checkImport(JSON.stringify({ id: 'broken one', name: 'B', nodes: 'inject', edges: [{ id: 'e1' }] }), nodeCatalogue);
    expect(result.importable).toBe(false);
    const pointers = result.problems.map((p) => p.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/format', '/nodes', '/id']));
  });

  it('refuses text that is not JSON', () => {
    expect(checkImport('{ nope', nodeCatalogue)).toMatchObject({ importable: false, problems: [{ code: 'not-json' }] });
  });

  it('imports a draft whose only problems are in its nodes, with those problems', () => {
    const draft = {
      format: 'tributary.flow/v1',
      id: 'draft',
      name: 'Draft',
      nodes: [{ id: 'm', type: 'map', position: { x: 0, y: 0 }, config: { expression: '$.a +' } }],
      edges: [],
    };
    const result = checkImport(JSON.stringify(draft), nodeCatalogue);
    expect(result.importable).toBe(true);
    expect(result.problems).toEqual([expect.objectContaining({ pointer: '/nodes/0/config/expression', code: 'expression', nodeId: 'm' })]);
  });
});
