/**
 * The editor's one store: the state and actions of every slice, combined. Each slice lives in
 * its own file under ./slices and sees the whole state through `get`.
 */
import type { StateCreator } from 'zustand';
import type { Catalogue } from '../../../flows/catalogue';
import type { Problem } from '../../../flows/problems';
import type { FlowDocument } from '../../../flows/schema';
import type { Api, CredentialBody } from '../api/api';
import type { TokenStore } from '../api/token';
import type { CredentialInfo, FlowSummary, NodeTypeSpec } from '../api/types';
import type { Endpoint, NodePatch, XY } from '../model/doc-ops';
import type { NodeCounters } from '../../../flows/live-events';
import type { LiveNodes } from '../live/node-live';

/** The document being edited, its saved state, and its problems. */
export interface FlowSlice {
  doc: FlowDocument | null;
  /** The document as last loaded or saved; `doc !== baseDoc` means unsaved changes. */
  baseDoc: FlowDocument | null;
  /** The saved revision `doc` is based on; null for a new flow never saved. */
  revision: number | null;
  deployedRevision: number | null;
  /** Live problems of `doc` (validateFlow, debounced). */
  problems: Problem[];
  /** The document before a drag began, so the whole drag is one undo step. */
  dragBase: FlowDocument | null;
  /** Bumped each time a document is loaded (opened, reloaded, new), so views can reset. */
  generation: number;
  loadDocument(doc: FlowDocument, saved: { revision: number | null; deployedRevision: number | null }): void;
  addNode(type: string, position: XY): string | null;
  updateNode(id: string, patch: NodePatch, coalesce?: string): void;
  updateFlow(patch: { name?: string; description?: string }, coalesce?: string): void;
  /** Wires `from` to `to`; returns why not when the flow's rules refuse it. */
  connect(from: Endpoint, to: Endpoint): string | null;
  removeElements(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  beginDrag(): void;
  dragTo(positions: ReadonlyMap<string, XY>): void;
  endDrag(): void;
  moveNodes(positions: ReadonlyMap<string, XY>, coalesce?: string): void;
  setProblems(problems: Problem[]): void;
  copySelection(): number;
  cutSelection(): number;
  paste(): number;
}

export interface HistorySlice {
  past: FlowDocument[];
  future: FlowDocument[];
  lastCoalesce: { key: string; at: number } | null;
  /** Replaces `doc` as one undoable step (steps with the same `coalesce` key in a row merge). */
  commit(next: FlowDocument, coalesce?: string): void;
  undo(): void;
  redo(): void;
}

export interface SelectionSlice {
  selectedNodeIds: string[];
  selectedEdgeIds: string[];
  setSelection(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  selectAll(): void;
}

export type DialogState =
  | { kind: 'import'; text?: string; source?: string }
  | { kind: 'conflict'; currentRevision: number; current: FlowDocument | null; then: 'save' | 'deploy' }
  | { kind: 'deploy-problems'; detail: string; problems: Problem[] }
  | { kind: 'trigger'; nodeId?: string }
  | { kind: 'credentials' }
  | { kind: 'help' }
  | { kind: 'rename' }
  | { kind: 'unsaved'; flowId: string | null };

export interface StatusMessage {
  id: number;
  text: string;
  tone: 'info' | 'success' | 'error';
  action?: { label: string; run: () => void };
}

export interface UiSlice {
  dialog: DialogState | null;
  status: StatusMessage | null;
  /** Set while the server wants its token; `refused` when the last one was wrong. */
  tokenPrompt: { refused: boolean } | null;
  /** Sample inputs for trying expressions, by node id (not part of the flow). */
  samples: Record<string, string>;
  /** Bumped to ask the inspector to take keyboard focus. */
  inspectorFocus: number;
  /** Bumped to ask the canvas to center a node. */
  focusNode: { id: string; n: number } | null;
  openDialog(dialog: DialogState): void;
  closeDialog(): void;
  say(text: string, tone?: StatusMessage['tone'], action?: StatusMessage['action']): void;
  askToken(refused: boolean): Promise<void>;
  submitToken(token: string): void;
  setSample(nodeId: string, text: string): void;
  focusInspector(): void;
  revealNode(id: string): void;
}

export interface ServerSlice {
  specs: NodeTypeSpec[];
  catalogue: Catalogue;
  catalogueError: string | null;
  flows: FlowSummary[];
  credentials: CredentialInfo[] | null;
  loadCatalogue(): Promise<void>;
  refreshFlows(): Promise<void>;
  refreshCredentials(): Promise<void>;
  saveCredential(name: string, body: CredentialBody): Promise<string | null>;
  deleteCredential(name: string): Promise<void>;
}

export interface PersistenceSlice {
  busy: null | 'saving' | 'deploying' | 'loading';
  /** Loads the catalogue and lists, then opens `flowId` (or the latest flow, or a new one). */
  boot(flowId: string | null): Promise<void>;
  /** Opens a saved flow; with unsaved changes it asks first unless `force`. */
  openFlow(id: string, options?: { force?: boolean }): Promise<void>;
  newFlow(options?: { force?: boolean }): void;
  /** Saves (creating the flow on its first save); false when it did not save. */
  save(options?: { overwrite?: number; then?: 'save' | 'deploy' }): Promise<boolean>;
  /** Drops local changes for the revision saved on the server. */
  reloadFlow(): Promise<void>;
}

/** What is done to a whole flow on the server. */
export interface FlowOpsSlice {
  deploy(): Promise<void>;
  undeploy(): Promise<void>;
  /** Imports a document; returns why not, or null once it is imported and open. */
  importDocument(doc: FlowDocument, asCopy: boolean): Promise<string | null>;
  /** Starts a run at an inject node; returns why not, or null. */
  trigger(nodeId: string, payload: unknown): Promise<string | null>;
  renameFlow(name: string): Promise<void>;
  duplicateFlow(): Promise<void>;
  deleteFlow(): Promise<void>;
}

/** How the live channel stands: `live` once the open flow's room is joined. */
export type LiveConnection = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Live counters of the open flow, keyed by node id (see slices/live.ts). */
export interface LiveSlice {
  /** The flow the live state belongs to. */
  liveFlowId: string | null;
  liveConnection: LiveConnection;
  liveNodes: LiveNodes;
  /** node id → how many times it has sent output since the flow opened: its edges animate on each. */
  livePulses: ReadonlyMap<string, number>;
  setLiveConnection(state: LiveConnection): void;
  /** Starts the flow's live state from the server's counts. */
  seedLive(flowId: string, counters: Record<string, Partial<NodeCounters>>): void;
  /** Adds the counts of one frame's batches (ignored unless they are of `liveFlowId`). */
  applyLive(flowId: string, added: ReadonlyMap<string, NodeCounters>): void;
  clearLive(): void;
}

export type EditorState = FlowSlice & HistorySlice & SelectionSlice & UiSlice & ServerSlice & PersistenceSlice & FlowOpsSlice & LiveSlice;

/** What a store is made from: the API to talk to, and optionally a starting document. */
export interface EditorInit {
  api: Api;
  /** Where the API token is kept (default: sessionStorage). */
  tokens?: TokenStore;
  /** Where copied nodes are kept between flows and tabs (default: localStorage). */
  clipboard?: Pick<Storage, 'getItem' | 'setItem'>;
  doc?: FlowDocument;
  specs?: NodeTypeSpec[];
}

export type SliceCreator<T> = (set: Parameters<StateCreator<EditorState>>[0], get: () => EditorState, init: EditorInit) => T;
