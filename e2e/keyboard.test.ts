/** The editor with the keyboard alone: no click, no mouse move. */
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { fixtureFlow } from './support/fixtures';

describe('when the editor is used with the keyboard alone', () => {
  const t = useEditorApp();

  it('adds a node from the palette, connects it, and opens its form', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    const keyboard = editor.page.keyboard;

    // Add: find the map type through the palette's search, and press Enter on it.
    await editor.tabTo(editor.palette.search);
    await keyboard.type('map');
    const before = await editor.canvas.nodeIds();
    await editor.tabTo(editor.palette.item('map'));
    await keyboard.press('Enter');
    const added = await editor.canvas.waitForNewNode(before, 'the map node added with Enter');

    // Connect: the inspector's connect form, from the new node's output to the log node's input.
    await editor.inspector.root.waitFor();
    await editor.chooseWithKeyboard(editor.inspector.connectFromPort, 'out');
    await editor.chooseWithKeyboard(editor.inspector.connectToNode, 'show');
    await editor.chooseWithKeyboard(editor.inspector.connectToPort, 'in');
    await editor.tabTo(editor.inspector.connectSubmit);
    await keyboard.press('Enter');
    // (Checked on the canvas: reading the document through "Copy JSON" would take a click.)
    await expect.poll(() => editor.canvas.edgeCount()).toBe(hello.edges.length + 1);

    // Open its form: back (Shift+Tab) from the inspector to the node on the canvas, Enter, then
    // type into its expression field.
    await editor.tabTo(editor.canvas.nodeWrapper(added), { backwards: true, maxPresses: 120 });
    await keyboard.press('Enter');
    await editor.inspector.configForm.waitFor();
    await editor.tabTo(editor.inspector.configField('expression'));
    await keyboard.press('Control+a');
    await keyboard.type('$.name');
    expect(await editor.inspector.configField('expression').inputValue()).toBe('$.name');
    await saveScreenshot(editor.page, 'keyboard-form');

    // Focus is visible where it is: the focused element draws an outline or a ring.
    const focusStyle = await editor.page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return null;
      const style = getComputedStyle(el);
      return { outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px', shadow: style.boxShadow !== 'none' };
    });
    expect(focusStyle?.outline || focusStyle?.shadow).toBe(true);

    // What the keys did is in the flow (read through "Copy JSON" now that the keyboard part is over).
    const doc = await editor.currentDocument();
    expect(doc.nodes.find((n) => n.id === added)).toMatchObject({ type: 'map', config: { expression: '$.name' } });
    expect(doc.edges).toContainEqual(expect.objectContaining({ from: { node: added, port: 'out' }, to: { node: 'show', port: 'in' } }));
  });
});
