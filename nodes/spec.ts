/**
 * The node-spec contract: what every node type exports from its `spec.ts`. Isomorphic and
 * plain data (it is served as JSON by `GET /api/nodes`), so the editor builds its palette,
 * forms and port handles from exactly what validation and the engine use.
 *
 * A spec.ts starts with a short contract header: ports, what it emits, which errors are
 * transient and which permanent.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { CatalogueEntry } from '../flows/catalogue';
import type { CredentialType } from '../contracts/credentials';

export interface NodeSpec<S extends TSchema = TSchema> extends CatalogueEntry {
  /** Shown on the palette and the node, e.g. "HTTP request". */
  title: string;
  /** Markdown shown in the inspector: what it does, its ports, its guarantees. */
  docs: string;
  /** A short hint for the palette search ("map transform jsonata reshape"). */
  keywords?: string[];
  /** JSON Schema of `config` with defaults, as TypeBox builds it. */
  configSchema: S;
  /** Kinds of named credentials the config may reference (fields with `format: "credential"`). */
  credentialTypes?: readonly CredentialType[];
  /**
   * A server setting (an environment variable) the type needs, unless the node's config has
   * `unlessConfig`: a server without it serves the type marked `unavailable` with `message`
   * (server/served-catalogue.ts), so validation and the editor say so instead of a silent failure.
   */
  serverSetting?: { env: string; unlessConfig?: string; message: string };
}

/** The config type of a spec, derived from its schema. */
export type ConfigOf<T> = T extends NodeSpec<infer S> ? Static<S> : never;

/** Named credentials are kept apart from flows; nodes name them. */
export { CREDENTIAL_TYPES, type CredentialType } from '../contracts/credentials';

/** Identity with type inference: `export const spec = defineSpec({ … })`. */
export const defineSpec = <S extends TSchema>(spec: NodeSpec<S>): NodeSpec<S> => spec;
