/**
 * The OpenAPI 3.1 document, generated from the route table and its TypeBox schemas — the same
 * data Express routes are built from and requests are checked with, so the description can't fall
 * behind the API. The contracts' named schemas are listed once under `components` and referred to
 * by `$ref` (TypeBox keeps the very schema objects it is composed of, so they are found by identity).
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { API_COMPONENTS } from '../contracts/api';
import { requiresNothing, type Route } from './http/route';

const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)\*?/g, '{$1}').replace(/\/\*.*$/, '/{path}');

type Json = Record<string, unknown>;

/**
 * Plain JSON Schema: TypeBox's symbol keys dropped, `$id`s dropped (a schema embedded twice with
 * its `$id` is two resources of one id, which OpenAPI tools refuse), and named schemas referenced.
 */
function plainOf(names: ReadonlyMap<object, string>) {
  const walk = (value: unknown, root: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, false));
    if (typeof value !== 'object' || value === null) return value;
    const name = root ? undefined : names.get(value);
    if (name) return { $ref: `#/components/schemas/${name}` };
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) if (key !== '$id') out[key] = walk(v, false);
    return out;
  };
  return (schema: TSchema, root = false) => walk(schema, root) as Json;
}

function queryParameters(query: TObject | undefined, plain: (s: TSchema) => Json) {
  return Object.entries(query?.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = plain(schema);
    // A parameter with a default may be left out: the router fills the default in.
    const required = (query?.required ?? []).includes(name) && rest.default === undefined;
    return { name, in: 'query', required, ...(description !== undefined && { description }), schema: rest };
  });
}

export function openApiDocument(routes: readonly Route[], version: string): Json {
  const names = new Map<object, string>(Object.entries(API_COMPONENTS).map(([name, schema]) => [schema, name]));
  const plain = plainOf(names);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const methods = route.method === 'all' ? ['get', 'post', 'put', 'patch', 'delete'] : [route.method];
    const params = [...path.matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      description: route.params?.[m[1]!] ?? m[1],
      schema: { type: 'string' },
    }));
    for (const method of methods) {
      (paths[path] ??= {})[method] = {
        summary: route.summary,
        tags: [route.tag],
        ...(route.auth === 'token' && { security: [{ bearer: [] }] }),
        parameters: [...params, ...queryParameters(route.query, plain)],
        ...(route.body && { requestBody: { required: !requiresNothing(route.body), content: { 'application/json': { schema: plain(route.body) } } } }),
        responses: Object.fromEntries(
          Object.entries(route.responses).map(([status, r]) => [
            status,
            {
              description: r.description,
              ...(r.schema && { content: { [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: { schema: plain(r.schema) } } }),
            },
          ]),
        ),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tributary', version, description: 'Design, deploy and watch integration flows that never lose data.' },
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(API_COMPONENTS).map(([name, schema]) => [name, plain(schema, true)])),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'TRIBUTARY_TOKEN; required unless the server is bound to loopback only' } },
    },
  };
}
