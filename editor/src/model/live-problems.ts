/**
 * The problems the server would list for this document: validateFlow, plus credentials the flow
 * names that the server doesn't have — the very checks server/flow-service.ts makes.
 */
import type { Catalogue } from '../../../flows/catalogue';
import { missingCredentials } from '../../../flows/credential-refs';
import type { Problem } from '../../../flows/problems';
import type { FlowDocument } from '../../../flows/schema';
import { validateFlow } from '../../../flows/validate';

export function liveProblems(doc: FlowDocument, catalogue: Catalogue, credentialNames: ReadonlySet<string> | null): Problem[] {
  const problems = validateFlow(doc, catalogue).problems;
  return credentialNames ? [...problems, ...missingCredentials(doc, catalogue, credentialNames)] : problems;
}
