import { describe, expect, it } from 'vitest';
import { NODE_SPECS } from './catalogue';
import { IMPLEMENTED_TYPES } from './runtimes';
import { SOURCES } from './sources';

describe('when the engine looks up a source', () => {
  it('does find one for every source type that has a runtime, and none for another category', () => {
    const sourceTypes = NODE_SPECS.filter((s) => s.category === 'source').map((s) => s.type);
    const runnable = sourceTypes.filter((type) => IMPLEMENTED_TYPES.includes(type));
    expect([...SOURCES.keys()].sort()).toEqual(runnable.sort());
  });

  it('does key each source by its own type', () => {
    for (const [type, source] of SOURCES) expect(source.type).toBe(type);
  });
});
