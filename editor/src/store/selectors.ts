/** Selectors and derived views shared by components. Each returns a primitive or a stable object. */
import type { FlowNode } from '../../../flows/schema';
import type { NodeTypeSpec } from '../api/types';
import type { EditorState } from './types';

export const selectDirty = (s: EditorState): boolean => s.doc !== null && s.doc !== s.baseDoc;

/** The one selected node, or null when none or several are selected. */
export const selectSingleNode = (s: EditorState): FlowNode | null => {
  if (s.selectedNodeIds.length !== 1 || !s.doc) return null;
  const id = s.selectedNodeIds[0];
  return s.doc.nodes.find((n) => n.id === id) ?? null;
};

export const selectSpec =
  (type: string | undefined) =>
  (s: EditorState): NodeTypeSpec | undefined =>
    type === undefined ? undefined : (s.catalogue.get(type) as NodeTypeSpec | undefined);

export type DeployState = { kind: 'draft' } | { kind: 'not-deployed' } | { kind: 'deployed'; revision: number } | { kind: 'changed'; revision: number };

export const deployStateOf = (s: EditorState): DeployState => {
  if (s.revision === null) return { kind: 'draft' };
  if (s.deployedRevision === null) return { kind: 'not-deployed' };
  if (s.deployedRevision === s.revision && !selectDirty(s)) return { kind: 'deployed', revision: s.deployedRevision };
  return { kind: 'changed', revision: s.deployedRevision };
};

export const selectInjectNodes = (s: EditorState): FlowNode[] => s.doc?.nodes.filter((n) => n.type === 'inject') ?? [];
