/** Resolve hook for ./typescript5.mjs: `typescript` imported from node_modules is `typescript5`. */
export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/')) return next('typescript5', context);
  return next(specifier, context);
}
