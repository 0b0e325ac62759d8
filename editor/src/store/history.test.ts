import { describe, expect, it } from 'vitest';
import { emptyFlow } from '../model/doc-ops';
import { NODE_SPECS } from '../../../nodes/catalogue';
import type { Api } from '../api/api';
import type { NodeTypeSpec } from '../api/types';
import { createEditorStore } from './create-store';

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
};

const newStore = () => {
  const store = createEditorStore({ api: {} as Api, specs: NODE_SPECS as unknown as NodeTypeSpec[], clipboard: memory(), tokens: { get: () => null, set: () => {} } });
  store.getState().loadDocument(emptyFlow('f', 'F'), { revision: 1, deployedRevision: null });
  return store;
};

describe('when the flow is edited', () => {
  it('undoes and redoes each step back to exactly the same document', () => {
    const store = newStore();
    const s = () => store.getState();
    const start = s().doc;
    const a = s().addNode('inject', { x: 0, y: 0 })!;
    const b = s().addNode('map', { x: 300, y: 0 })!;
    expect(s().connect({ node: a, port: 'out' }, { node: b, port: 'in' })).toBeNull();
    const wired = s().doc;
    s().undo();
    s().undo();
    s().undo();
    expect(s().doc).toBe(start);
    s().redo();
    s().redo();
    s().redo();
    expect(s().doc).toBe(wired);
    expect(s().doc).not.toBe(s().baseDoc);
  });

  it('keeps a whole drag as one step', () => {
    const store = newStore();
    const s = () => store.getState();
    const id = s().addNode('map', { x: 0, y: 0 })!;
    const before = s().doc;
    s().beginDrag();
    for (let x = 1; x <= 5; x++) s().dragTo(new Map([[id, { x: x * 10, y: 0 }]]));
    s().endDrag();
    expect(s().doc?.nodes[0]?.position).toEqual({ x: 50, y: 0 });
    s().undo();
    expect(s().doc).toBe(before);
  });

  it('merges typing in one field into one step', () => {
    const store = newStore();
    const s = () => store.getState();
    const id = s().addNode('map', { x: 0, y: 0 })!;
    const before = s().doc;
    for (const text of ['$', '$.', '$.a']) s().updateNode(id, { config: { expression: text } }, `config:${id}`);
    s().undo();
    expect(s().doc).toBe(before);
  });

  it('refuses a wire the flow rules forbid, and changes nothing', () => {
    const store = newStore();
    const s = () => store.getState();
    const a = s().addNode('map', { x: 0, y: 0 })!;
    const b = s().addNode('inject', { x: 0, y: 0 })!;
    const before = s().doc;
    expect(s().connect({ node: a, port: 'out' }, { node: b, port: 'in' })).toMatch(/source/);
    expect(s().doc).toBe(before);
  });

  it('pastes copied nodes with new ids', () => {
    const store = newStore();
    const s = () => store.getState();
    const a = s().addNode('map', { x: 0, y: 0 })!;
    s().setSelection([a], []);
    expect(s().copySelection()).toBe(1);
    expect(s().paste()).toBe(1);
    expect(s().doc?.nodes.map((n) => n.id)).toEqual([a, 'map-2']);
    expect(s().selectedNodeIds).toEqual(['map-2']);
  });
});
