/** The other screens: help overlay, credentials, trigger — each working, each photographed. */
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { fixtureFlow } from './support/fixtures';

describe('when the secondary screens are used', () => {
  const t = useEditorApp();

  it('lists the keyboard shortcuts in the help overlay', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    await saveScreenshot(editor.page, 'flow-open');
    await editor.toolbar.help.click();
    await editor.helpOverlay.waitFor();
    const text = await editor.helpOverlay.innerText();
    for (const shortcut of [/Ctrl\s*\+\s*Z/i, /Ctrl\s*\+\s*Shift\s*\+\s*Z/i, /Ctrl\s*\+\s*S/i, /Ctrl\s*\+\s*C/i, /Ctrl\s*\+\s*V/i]) expect(text).toMatch(shortcut);
    await saveScreenshot(editor.page, 'help-overlay');
    await editor.page.keyboard.press('Escape');
    await editor.helpOverlay.waitFor({ state: 'hidden' });
  });

  it('adds, replaces and deletes a credential without ever showing its secret back', async () => {
    const { editor, server } = await t.open();
    await editor.waitUntilReady();
    await editor.toolbar.credentials.click();
    const dialog = editor.credentialsDialog;
    await dialog.root.waitFor();

    const secret = 'e2e-bearer-1c4d7f';
    await dialog.name.fill('crm');
    await dialog.type.selectOption('http-bearer');
    await dialog.secret.fill(secret);
    await dialog.save.click();
    await dialog.item('crm').waitFor();
    await expect.poll(async () => (await server.api('GET', '/api/credentials')).body).toEqual([expect.objectContaining({ name: 'crm', type: 'http-bearer' })]);
    expect(await editor.page.content()).not.toContain(secret);
    await saveScreenshot(editor.page, 'credentials');

    // Replace: same name, another type and secret; still nothing of it on the page afterwards.
    const newSecret = 'e2e-password-8b3e20';
    await dialog.item('crm').getByRole('button', { name: 'Replace' }).click();
    expect(await dialog.name.inputValue()).toBe('crm');
    expect(await dialog.secret.inputValue()).toBe('');
    await dialog.type.selectOption('http-basic');
    await dialog.root.getByLabel('Username').fill('e2e-user');
    await dialog.secret.fill(newSecret);
    await dialog.save.click();
    await expect.poll(async () => (await server.api('GET', '/api/credentials')).body).toEqual([expect.objectContaining({ name: 'crm', type: 'http-basic' })]);
    await expect.poll(() => dialog.item('crm').innerText()).toContain('http-basic');
    expect(await editor.page.content()).not.toContain(newSecret);

    await dialog.remove('crm').click();
    await dialog.item('crm').waitFor({ state: 'detached' });
    await expect.poll(async () => (await server.api('GET', '/api/credentials')).body).toEqual([]);
  });

  it('triggers a deployed inject node with a payload from the trigger dialog', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    expect((await server.api('POST', `/api/flows/${hello.id}/deploy`)).status).toBe(200);
    await editor.reload();
    await editor.waitForNodes(hello.nodes.map((n) => n.id));

    await editor.selectNode('greet');
    await editor.toolbar.trigger.click();
    await editor.triggerDialog.root.waitFor();
    await editor.triggerDialog.payload.fill('{ "name": "e2e" }');
    await saveScreenshot(editor.page, 'trigger-dialog');
    await editor.triggerDialog.submit.click();
    await expect.poll(async () => (await server.api('GET', `/api/flows/${hello.id}/runs`)).body.total).toBe(1);
  });
});
