/**
 * The dependency rules `npm test` checks (test/dependency-rules.test.ts): no cycles, and each
 * layer imports only the layers below it —
 *   editor → flows, contracts, node specs
 *   server → engine → nodes → flows → contracts
 * with the API's shapes (contracts/api) above the flow document they embed. Nothing imports the
 * server. Test code (tests, their fixtures, the harness in test/, e2e/, bench/) is exempt from the
 * layering — merge's and saga's fixtures still reach the engine until the node test harness can
 * hand them its state.
 */
const TEST = '(^|/)(test|e2e|bench)/|\\.test\\.tsx?$|(^|/)fixtures\\.ts$';
// What a node spec may reach: the catalogue, the spec contract, field builders and the pure shared helpers.
const NODE_SPECS = '^nodes/(catalogue|spec|fields)\\.ts$|^nodes/[^/]+/[^/]+/spec\\.ts$|^nodes/shared/(schema|http)\\.ts$';

const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from: { pathNot: TEST, ...from }, to });

module.exports = {
  forbidden: [
    { name: 'no-cycles', comment: 'modules must not import each other in a circle', severity: 'error', from: {}, to: { circular: true } },
    forbid('nothing-imports-the-server', 'the server is the top: only its own modules (and tests) import it', { pathNot: `${TEST}|^server/` }, { path: '^server/' }),
    forbid('engine-below-server', 'the engine must not reach into the server', { path: '^engine/' }, { path: '^(server|editor)/' }),
    forbid('nodes-below-engine', 'node specs and runtimes must not reach the engine or the API contracts', { path: '^nodes/' }, { path: '^(engine|server|editor)/|^contracts/api/' }),
    forbid('flows-below-nodes', 'the flow document must not reach node types, the engine or the API', { path: '^flows/' }, { path: '^(nodes|engine|server|editor)/|^contracts/api/' }),
    forbid('api-contracts-above-flows', 'the API shapes may use the flow document and node specs, nothing that runs', { path: '^contracts/api/' }, { path: '^(engine|server|editor)/|^nodes/(?!spec\\.ts$)' }),
    forbid('contracts-at-the-bottom', 'shared contracts import only each other', { path: '^contracts/(?!api/)' }, { path: '^(flows|nodes|engine|server|editor|contracts/api)/' }),
    forbid('editor-imports-shared-code-only', 'the editor may import flows, the contracts and node specs, never runtimes, the engine or the server', { path: '^editor/' }, { path: '^(engine|server)/|^nodes/', pathNot: NODE_SPECS }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
