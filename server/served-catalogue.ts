/**
 * The node catalogue as this server serves (`GET /api/nodes`) and validates it. Two facts are
 * added to the editor-safe specs here, because a spec can't know them itself:
 * - `implemented`, derived from the runtimes this build has;
 * - `unavailable`, for a spec whose `serverSetting` is missing from the environment
 *   (flows/catalogue.ts), so the editor, the API's validation and deploys all report its nodes the
 *   same way — "Kafka is not configured on this server" — instead of a flow that deploys and then
 *   fails silently.
 */
import { catalogueOf, type Catalogue } from '../flows/catalogue';
import { NODE_SPECS } from '../nodes/catalogue';
import { RUNTIMES } from '../nodes/runtimes';
import type { NodeSpec } from '../nodes/spec';

export type ServedSpec = NodeSpec & { implemented: boolean };

export interface ServedCatalogue {
  specs: readonly ServedSpec[];
  catalogue: Catalogue;
}

export function servedCatalogue(
  env: NodeJS.ProcessEnv = process.env,
  specs: readonly NodeSpec[] = NODE_SPECS,
  runtimes: ReadonlyMap<string, unknown> = RUNTIMES,
): ServedCatalogue {
  const served = specs.map((spec): ServedSpec => {
    const implemented = runtimes.has(spec.type);
    const setting = spec.serverSetting;
    if (!setting || (env[setting.env] ?? '').trim() !== '') return { ...spec, implemented };
    return { ...spec, implemented, unavailable: { message: setting.message, ...(setting.unlessConfig !== undefined && { unlessConfig: setting.unlessConfig }) } };
  });
  return { specs: served, catalogue: catalogueOf(served) };
}
