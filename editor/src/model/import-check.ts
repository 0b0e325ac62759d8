/**
 * What an import would bring in, checked before anything is sent: the same validateFlow the
 * server runs. A draft with config or graph problems imports (its problems shown); a document
 * the editor could not even draw — not JSON, not a flow document, nodes without ids, types or
 * positions, edges without ends — imports nothing.
 */
import type { Catalogue } from '../../../flows/catalogue';
import type { Problem, ProblemCode } from '../../../flows/problems';
import { FLOW_FORMAT, type FlowDocument } from '../../../flows/schema';
import { validateFlow } from '../../../flows/validate';
import { parseJson } from './json';

export type ImportCheck = { importable: true; doc: FlowDocument; problems: Problem[] } | { importable: false; problems: Problem[] };

const FATAL_CODES: ReadonlySet<ProblemCode> = new Set(['not-json', 'too-large', 'forbidden-key', 'internal']);
/** Shape problems at these places leave nothing the editor can draw. */
const SKELETON = /^(|\/format|\/id|\/nodes|\/edges|\/nodes\/\d+(\/(id|type|position)(\/.*)?)?|\/edges\/\d+(\/.*)?)$/;

const isFatal = (p: Problem) => FATAL_CODES.has(p.code) || (p.code === 'shape' && SKELETON.test(p.pointer));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkImport(text: string, catalogue: Catalogue): ImportCheck {
  if (text.trim() === '') return { importable: false, problems: [{ pointer: '', code: 'not-json', message: 'paste a flow document, or choose a .json file' }] };
  const parsed = parseJson(text);
  if (!parsed.ok) return { importable: false, problems: [{ pointer: '', code: 'not-json', message: `not JSON: ${parsed.message}` }] };
  const doc = parsed.value;
  if (Array.isArray(doc)) return { importable: false, problems: [{ pointer: '', code: 'shape', message: 'one flow document at a time, please (the CLI imports several)' }] };
  let problems = validateFlow(doc, catalogue).problems;
  // validateFlow stops at a wrong format; checking the rest as if it were right lists everything at once.
  if (isObject(doc) && doc.format !== FLOW_FORMAT) {
    const rest = validateFlow({ ...doc, format: FLOW_FORMAT }, catalogue).problems.filter((p) => p.pointer !== '/format');
    problems = [...problems, ...rest];
  }
  if (problems.some(isFatal)) return { importable: false, problems };
  return { importable: true, doc: doc as FlowDocument, problems };
}
