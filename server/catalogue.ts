/**
 * The node catalogue as `GET /api/nodes` serves it: every spec, with `implemented` derived from
 * the runtimes this build has — specs are editor-safe data and can't know that themselves.
 */
import type { NodeSpec } from '../nodes/spec';
import { RUNTIMES } from '../nodes/runtimes';

export type ServedSpec = NodeSpec & { implemented: boolean };

export const servedCatalogue = (specs: readonly NodeSpec[], runtimes: ReadonlyMap<string, unknown> = RUNTIMES): ServedSpec[] =>
  specs.map((spec) => ({ ...spec, implemented: runtimes.has(spec.type) }));
