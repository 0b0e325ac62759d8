/** What the server refuses, said plainly: a stale save (409) and a missing or wrong API token. */
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { fixtureFlow } from './support/fixtures';

describe('when the server refuses', () => {
  const t = useEditorApp();

  it('opens the conflict dialog on a save over a newer revision; reload brings the newer one in', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));

    // Someone else saves revision 2 while this editor still holds revision 1.
    const theirs = { ...hello, name: 'Changed elsewhere' };
    expect((await server.api('PUT', `/api/flows/${hello.id}`, theirs, { 'If-Match': '"1"' })).status).toBe(200);

    await editor.canvas.moveNode('show', 0, 60);
    await editor.toolbar.dirtyMarker.waitFor();
    await editor.toolbar.save.click();
    await editor.conflictDialog.root.waitFor();
    expect(await editor.conflictDialog.root.innerText()).toMatch(/revision|changed|conflict/i);
    await saveScreenshot(editor.page, 'conflict-dialog');
    expect((await server.api('GET', `/api/flows/${hello.id}`)).body.revision).toBe(2);

    await editor.conflictDialog.reload.click();
    await editor.conflictDialog.root.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await editor.currentDocument()).name).toBe('Changed elsewhere');
    expect((await server.api('GET', `/api/flows/${hello.id}`)).body.revision).toBe(2);
  });

  it('saves this editor\'s version over the newer one when told to overwrite', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    await server.api('PUT', `/api/flows/${hello.id}`, { ...hello, name: 'Changed elsewhere' }, { 'If-Match': '"1"' });

    await editor.canvas.moveNode('show', 0, 60);
    const mine = await editor.currentDocument();
    await editor.toolbar.save.click();
    await editor.conflictDialog.overwrite.click();
    await editor.conflictDialog.root.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await server.api('GET', `/api/flows/${hello.id}`)).body.revision).toBe(3);
    expect((await server.api('GET', `/api/flows/${hello.id}`)).body.doc).toEqual(mine);
  });

  it('asks for the token when the server has one, says plainly that a wrong one is wrong, and goes on with the right one', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor } = await t.open({ token: 'e2e-token-5f2c9a', flows: [hello] });
    await editor.tokenDialog.root.waitFor();
    await saveScreenshot(editor.page, 'token-dialog');

    await editor.tokenDialog.enter('not-the-token');
    await editor.tokenDialog.error.waitFor();
    expect(await editor.tokenDialog.error.innerText()).toMatch(/wrong|invalid|incorrect|refused|rejected|not accepted/i);
    expect(await editor.tokenDialog.root.isVisible()).toBe(true);

    await editor.tokenDialog.enter('e2e-token-5f2c9a');
    await editor.tokenDialog.root.waitFor({ state: 'hidden' });
    await editor.waitUntilReady();
    await editor.flows.item(hello.id).waitFor();

    // Kept for the browser session: a reload does not ask again.
    await editor.reload();
    await editor.waitUntilReady();
    expect(await editor.tokenDialog.root.isVisible()).toBe(false);
  });
});
