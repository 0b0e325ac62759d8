/**
 * The problems the server would list for this document: validateFlow, plus credentials the flow
 * names that the server doesn't have (as server/flow-service.ts adds them).
 */
import type { Catalogue } from '../../../flows/catalogue';
import { credentialRefs } from '../../../flows/credential-refs';
import { pointer } from '../../../flows/pointer';
import type { Problem } from '../../../flows/problems';
import type { FlowDocument } from '../../../flows/schema';
import { validateFlow } from '../../../flows/validate';

export function liveProblems(doc: FlowDocument, catalogue: Catalogue, credentialNames: ReadonlySet<string> | null): Problem[] {
  const problems = [...validateFlow(doc, catalogue).problems];
  if (!credentialNames) return problems;
  (Array.isArray(doc.nodes) ? doc.nodes : []).forEach((node, index) => {
    const spec = node && typeof node === 'object' ? catalogue.get(node.type) : undefined;
    if (!spec) return;
    for (const ref of credentialRefs(spec.configSchema, node.config)) {
      if (!credentialNames.has(ref.name)) {
        problems.push({ pointer: pointer('nodes', index, 'config') + ref.pointer, code: 'config', nodeId: node.id, message: `credential "${ref.name}" does not exist on this server` });
      }
    }
  });
  return problems;
}
