/** Editing gestures: undo/redo, copy/paste, auto-layout. */
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../flows/schema';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { fixtureFlow, piledUp } from './support/fixtures';
import { overlaps } from './support/pages/canvas';

/** The graph as the flow document has it: ids, types, positions, configs and edges. */
const graphOf = (doc: FlowDocument) => ({ nodes: doc.nodes, edges: doc.edges });

describe('when a flow is edited', () => {
  const t = useEditorApp();

  it('undoes a move, an added node and a new edge back to the exact graph, and redoes them exactly', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    const original = graphOf(await editor.currentDocument());
    expect(original.nodes.map((n) => n.id)).toEqual(['greet', 'shape', 'show']);

    await editor.canvas.moveNode('shape', 40, 120);
    const added = await editor.dragNodeFromPalette('log', 700, 450);
    await editor.connect('shape', 'out', added, 'in');
    await expect.poll(() => editor.canvas.edgeCount()).toBe(3);
    const changed = graphOf(await editor.currentDocument());
    expect(changed.nodes.find((n) => n.id === 'shape')?.position).not.toEqual(original.nodes.find((n) => n.id === 'shape')?.position);
    expect(changed.nodes).toHaveLength(4);
    expect(changed.edges).toHaveLength(3);

    await editor.canvas.clickEmpty();
    for (let i = 0; i < 3; i++) await editor.page.keyboard.press('Control+z');
    await expect.poll(async () => graphOf(await editor.currentDocument())).toEqual(original);
    await expect.poll(() => editor.canvas.nodeIds()).toHaveLength(3);

    for (let i = 0; i < 3; i++) await editor.page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => graphOf(await editor.currentDocument())).toEqual(changed);

    // The toolbar buttons walk the same history.
    await editor.toolbar.undo.click();
    await editor.toolbar.redo.click();
    expect(graphOf(await editor.currentDocument())).toEqual(changed);
  });

  it('pastes copied nodes under new ids, with the edge between them', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));

    await editor.canvas.node('greet').click();
    await editor.canvas.node('shape').click({ modifiers: ['Control'] });
    await editor.page.keyboard.press('Control+c');
    const before = await editor.canvas.nodeIds();
    await editor.page.keyboard.press('Control+v');
    const pasted = await editor.canvas.waitForNewNodes(before, 2);

    const doc = await editor.currentDocument();
    expect(doc.nodes).toHaveLength(5);
    expect(new Set(doc.nodes.map((n) => n.id)).size).toBe(5);
    for (const id of pasted) expect(hello.nodes.map((n) => n.id)).not.toContain(id);
    const pastedNodes = doc.nodes.filter((n) => pasted.includes(n.id));
    expect(pastedNodes.map((n) => n.type).sort()).toEqual(['inject', 'map']);
    expect(pastedNodes.find((n) => n.type === 'map')?.config).toEqual(hello.nodes.find((n) => n.id === 'shape')?.config);
    const pastedEdges = doc.edges.filter((e) => pasted.includes(e.from.node) || pasted.includes(e.to.node));
    expect(pastedEdges).toHaveLength(1);
    expect(hello.edges.map((e) => e.id)).not.toContain(pastedEdges[0]!.id);
    expect(pasted).toContain(pastedEdges[0]!.from.node);
    expect(pasted).toContain(pastedEdges[0]!.to.node);
  });

  it('refuses a wire the flow rules forbid, and says why', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));

    await editor.connect('shape', 'out', 'shape', 'in');
    await expect.poll(() => editor.problems.status.innerText()).toMatch(/acyclic/i);
    await editor.connect('greet', 'out', 'shape', 'in');
    await expect.poll(() => editor.problems.status.innerText()).toMatch(/already wired/i);
    expect(await editor.canvas.edgeCount()).toBe(hello.edges.length);
    expect((await editor.currentDocument()).edges).toEqual(hello.edges);
  });

  it('lays the flow out left to right with no two nodes overlapping', async () => {
    const flow = piledUp(fixtureFlow('order-intake'));
    const { editor } = await t.open({ flows: [flow], open: flow.id });
    await editor.waitForNodes(flow.nodes.map((n) => n.id));
    const piled = [...(await editor.canvas.nodeBoxes()).values()];
    expect(piled.some((a, i) => piled.slice(i + 1).some((b) => overlaps(a, b)))).toBe(true);

    await editor.toolbar.layout.click();
    await expect
      .poll(async () => {
        const boxes = [...(await editor.canvas.nodeBoxes()).entries()];
        return boxes.flatMap(([a, boxA], i) => boxes.slice(i + 1).filter(([, boxB]) => overlaps(boxA, boxB)).map(([b]) => `${a}/${b}`));
      })
      .toEqual([]);
    expect(await editor.canvas.nodeBoxes()).toHaveProperty('size', flow.nodes.length);

    const laidOut = await editor.currentDocument();
    const x = new Map(laidOut.nodes.map((n) => [n.id, n.position.x]));
    for (const edge of laidOut.edges) expect(x.get(edge.from.node)!).toBeLessThan(x.get(edge.to.node)!);
    await editor.toolbar.fit.click();
    await saveScreenshot(editor.page, 'auto-layout');
  });
});
