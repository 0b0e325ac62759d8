import { describe, expect, it } from 'vitest';
import { NODE_SPECS } from './catalogue';
import { IMPLEMENTED_TYPES } from './runtimes';

describe('when the engine looks up a runtime', () => {
  it('does only register types the catalogue has a spec for', () => {
    const specTypes = new Set(NODE_SPECS.map((s) => s.type));
    expect(IMPLEMENTED_TYPES.filter((t) => !specTypes.has(t))).toEqual([]);
  });

  it('does cover the stateless node types', () => {
    expect([...IMPLEMENTED_TYPES].sort()).toEqual(['file', 'filter', 'http-poll', 'http-reply', 'http-request', 'inject', 'kafka-consume', 'kafka-produce', 'log', 'map', 'merge', 'saga', 'schedule', 'split', 'switch', 'validate', 'webhook']);
  });
});
