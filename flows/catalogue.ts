/**
 * What flow validation needs to know about node types. The full node-spec contract
 * (`nodes/spec.ts`) extends this; the editor receives the same data as JSON from
 * `GET /api/nodes`, so everything here is plain data.
 */
import type { Category } from './policy';
import type { PortsDecl } from './ports';
import type { JsonSchema, NodePolicy } from './schema';

export interface CatalogueEntry {
  /** The `type` field of flow nodes, e.g. `http-request`. */
  type: string;
  category: Category;
  /** JSON Schema of `config`, with defaults. Expression fields carry `format: "jsonata"`. */
  configSchema: JsonSchema;
  ports: PortsDecl;
  /** Overrides of the category's default policy for this node type. */
  defaultPolicy?: NodePolicy;
  /**
   * Set by the server that serves this catalogue when the type can't run there as configured (no
   * Kafka brokers): validation reports every node of the type — unless its config has a non-empty
   * `unlessConfig` field (its own brokers) — with `message`, so the editor shows it too.
   */
  unavailable?: { message: string; unlessConfig?: string };
}

/** Node types by type name. A Map, so that a hostile type such as `constructor` finds nothing. */
export type Catalogue = ReadonlyMap<string, CatalogueEntry>;

export const catalogueOf = (entries: Iterable<CatalogueEntry>): Catalogue =>
  new Map([...entries].map((e) => [e.type, e]));
