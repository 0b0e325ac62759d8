/** Deploying from the toolbar: the state it shows, and the server's problems when it refuses. */
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { BROKEN_EXPRESSION, fixtureFlow, withExpression } from './support/fixtures';

describe('when a flow is deployed from the toolbar', () => {
  const t = useEditorApp();

  it('deploys the saved revision and says so', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    await expect.poll(() => editor.toolbar.deployState.innerText()).toMatch(/not deployed/i);

    await editor.toolbar.deploy.click();
    await expect.poll(async () => (await server.api('GET', `/api/flows/${hello.id}`)).body.deployedRevision).toBe(1);
    await expect.poll(() => editor.toolbar.deployState.innerText()).toMatch(/^deployed (r|revision )1$/i);
    expect(await editor.deployProblems.isVisible()).toBe(false);
    await saveScreenshot(editor.page, 'deployed');

    // A change after deploying is said to be one.
    await editor.canvas.moveNode('show', 0, 80);
    await editor.save();
    await expect.poll(() => editor.toolbar.deployState.innerText()).toMatch(/changed since deploy/i);
  });

  it('shows the problems the server gives when it refuses to deploy an invalid flow', async () => {
    const broken = withExpression(fixtureFlow('hello-world'), 'shape', BROKEN_EXPRESSION);
    const { editor, server } = await t.open({ flows: [broken], open: broken.id });
    await editor.waitForNodes(broken.nodes.map((n) => n.id));
    const refusal = await server.api('POST', `/api/flows/${broken.id}/deploy`);
    expect(refusal.status).toBe(422);
    const serverProblem = refusal.body.problems[0] as { pointer: string; message: string };

    await editor.toolbar.deploy.click();
    await editor.deployProblems.waitFor();
    expect(await editor.deployProblems.innerText()).toContain(serverProblem.message);
    await saveScreenshot(editor.page, 'deploy-problems');
    expect((await server.api('GET', `/api/flows/${broken.id}`)).body.deployedRevision).toBeUndefined();
    expect(await editor.toolbar.deployState.innerText()).toMatch(/not deployed/i);
  });
});
