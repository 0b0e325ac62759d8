/**
 * `node --import ./scripts/typescript5.mjs …`: tools that need TypeScript's JS API
 * (dependency-cruiser, openapi-typescript) get TypeScript 5 (the `typescript5` alias), since the
 * project's own `typescript` is the native v7 compiler, which has none. Both ways a package
 * can ask for it are redirected: `import` (a resolve hook) and `require` (Node 20 has no
 * synchronous hooks, so the CommonJS resolver is wrapped).
 */
import Module, { register } from 'node:module';

register('./typescript5-resolve.mjs', import.meta.url);

const fromPackage = (parent) => typeof parent === 'string' && parent.includes('/node_modules/');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (fromPackage(parent?.filename) && (request === 'typescript' || request.startsWith('typescript/'))) {
    request = request.replace(/^typescript/, 'typescript5');
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
