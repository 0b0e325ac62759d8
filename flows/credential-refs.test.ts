import { describe, expect, it } from 'vitest';
import { nodeCatalogue } from '../nodes/catalogue';
import { missingCredentials } from './credential-refs';

const flow = {
  nodes: [
    { id: 'call', type: 'http-request', config: { url: 'https://example.com', credential: 'api-key' } },
    { id: 'other', type: 'http-request', config: { url: 'https://example.com', credential: 'known' } },
    { id: 'odd', type: 'no-such-type', config: { credential: 'whatever' } },
    'not a node',
  ],
};

describe('when a flow names credentials', () => {
  it('lists each one that is not stored, at its place in the config', () => {
    expect(missingCredentials(flow, nodeCatalogue, new Set(['known']))).toEqual([
      { pointer: '/nodes/0/config/credential', code: 'config', nodeId: 'call', message: 'credential "api-key" does not exist on this server' },
    ]);
  });

  it('lists none when all are stored, and reads drafts of any shape', () => {
    expect(missingCredentials(flow, nodeCatalogue, new Set(['known', 'api-key']))).toEqual([]);
    expect(missingCredentials({ nodes: 'nope' }, nodeCatalogue, new Set())).toEqual([]);
  });
});
