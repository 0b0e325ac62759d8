/**
 * Authoring a flow by hand: nodes dragged from the palette and wired, a config field set through
 * the form, live validation on the node and in the Problems tab, and a save that survives a reload.
 */
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { BROKEN_EXPRESSION } from './support/fixtures';

describe('when a flow is drawn from the palette', () => {
  const t = useEditorApp();

  it('wires inject → map → log, shows a broken expression on the node and in Problems, and keeps it all after save and reload', async () => {
    const { editor, server } = await t.open();
    await editor.waitUntilReady();
    await editor.toolbar.newFlow.click();

    const inject = await editor.dragNodeFromPalette('inject', 160, 220);
    const map = await editor.dragNodeFromPalette('map', 420, 220);
    const log = await editor.dragNodeFromPalette('log', 680, 220);
    await editor.connect(inject, 'out', map, 'in');
    await editor.connect(map, 'out', log, 'in');
    await expect.poll(() => editor.canvas.edgeCount()).toBe(2);

    await editor.selectNode(map);
    await editor.inspector.configForm.waitFor();
    await editor.inspector.setConfigField('expression', '$.a + 1');
    await expect.poll(() => editor.canvas.problemBadge(map).count()).toBe(0);
    await editor.inspector.setConfigField('expression', BROKEN_EXPRESSION);
    await editor.canvas.problemBadge(map).waitFor();
    await editor.problems.open();
    await expect.poll(() => editor.problems.list()).toContainEqual(expect.objectContaining({ nodeId: map, pointer: expect.stringMatching(/^\/nodes\/\d+\/config\/expression$/) }));
    await saveScreenshot(editor.page, 'authoring-problems');

    await editor.save();
    const doc = await editor.currentDocument();
    const saved = await server.api('GET', `/api/flows/${encodeURIComponent(doc.id)}`);
    expect(saved.status).toBe(200);
    expect(saved.body.problems).toContainEqual(expect.objectContaining({ nodeId: map, code: 'expression' }));
    expect(saved.body.doc.nodes.map((n: { type: string }) => n.type).sort()).toEqual(['inject', 'log', 'map']);

    await editor.reload();
    await editor.waitForNodes([inject, map, log]);
    await expect.poll(() => editor.canvas.edgeCount()).toBe(2);
    await editor.canvas.problemBadge(map).waitFor();
    await editor.problems.open();
    await expect.poll(() => editor.problems.list()).toContainEqual(expect.objectContaining({ nodeId: map }));
    const reloaded = await editor.currentDocument();
    expect(reloaded.id).toBe(doc.id);
    expect(reloaded.nodes.find((n) => n.id === map)?.config).toEqual({ expression: BROKEN_EXPRESSION });
    expect(reloaded.edges.map((e) => [e.from.node, e.to.node])).toEqual(expect.arrayContaining([[inject, map], [map, log]]));
  });
});
