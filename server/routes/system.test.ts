import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_SPECS } from '../../nodes/catalogue';
import { RUNTIMES } from '../../nodes/runtimes';
import { servedCatalogue } from '../served-catalogue';
import { useServers } from '../../test/server';

const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('when the catalogue and health are asked for', () => {
  const t = useServers();

  it('marks as implemented exactly the node types whose runtime this build has', async () => {
    const { api } = await t.startServer();
    const specs = (await api('GET', '/api/nodes')).body as Array<{ type: string; implemented: boolean }>;
    expect(specs.map((s) => s.type)).toEqual(NODE_SPECS.map((s) => s.type));
    expect(specs.filter((s) => s.implemented).map((s) => s.type).sort()).toEqual([...RUNTIMES.keys()].sort());
  });

  it('derives implemented from the registry it is given, not from the spec', () => {
    const served = servedCatalogue({}, NODE_SPECS, new Map([['map', {}]])).specs;
    expect(served.filter((s) => s.implemented).map((s) => s.type)).toEqual(['map']);
  });

  it("reports package.json's version in health and the OpenAPI document", async () => {
    const { api } = await t.startServer();
    expect((await api('GET', '/api/health')).body.version).toBe(packageVersion);
    expect((await api('GET', '/api/openapi.json')).body.info.version).toBe(packageVersion);
  });
});
