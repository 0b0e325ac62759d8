/**
 * The OpenAPI 3.1 document, generated from the route table and its TypeBox schemas — the same
 * data Express routes are built from, so the description can't fall behind the API.
 */
import type { Route } from './http/route';

const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)\*?/g, '{$1}').replace(/\/\*.*$/, '/{path}');

/** JSON Schema without TypeBox's symbol keys (JSON.stringify drops them). */
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
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
    const query = Object.entries(route.query ?? {}).map(([name, q]) => ({ name, in: 'query', required: false, description: q.description, schema: { type: q.type } }));
    for (const method of methods) {
      (paths[path] ??= {})[method] = {
        summary: route.summary,
        tags: [route.tag],
        ...(route.auth === 'token' && { security: [{ bearer: [] }] }),
        parameters: [...params, ...query],
        ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: plain(route.body) } } } }),
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
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'TRIBUTARY_TOKEN; required unless the server is bound to loopback only' } } },
    paths,
  };
}
