/**
 * The node catalogue as this server serves and validates it: each spec whose `serverSetting` is
 * missing from the environment is marked `unavailable` (flows/catalogue.ts), so the editor, the
 * API's validation and deploys all report its nodes the same way — "Kafka is not configured on
 * this server" — instead of a flow that deploys and then fails silently.
 */
import { catalogueOf, type Catalogue } from '../flows/catalogue';
import { NODE_SPECS } from '../nodes/catalogue';
import type { NodeSpec } from '../nodes/spec';

export interface ServedCatalogue {
  specs: readonly NodeSpec[];
  catalogue: Catalogue;
}

export function servedCatalogue(env: NodeJS.ProcessEnv = process.env, specs: readonly NodeSpec[] = NODE_SPECS): ServedCatalogue {
  const served = specs.map((spec): NodeSpec => {
    const setting = spec.serverSetting;
    if (!setting || (env[setting.env] ?? '').trim() !== '') return spec;
    return { ...spec, unavailable: { message: setting.message, ...(setting.unlessConfig !== undefined && { unlessConfig: setting.unlessConfig }) } };
  });
  return { specs: served, catalogue: catalogueOf(served) };
}
