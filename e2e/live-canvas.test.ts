/**
 * The live canvas: counters from the server's relay on the nodes that ran, seeded from the
 * server's counts so that a reload keeps them, and the connection indicator.
 */
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { fixtureFlow } from './support/fixtures';
import { LiveCanvas } from './support/pages/live';

describe('when a deployed flow runs while it is open', () => {
  const t = useEditorApp();

  it('counts each run on the nodes it went through, and a reload keeps the counts', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    expect((await server.api('POST', `/api/flows/${hello.id}/deploy`)).status).toBe(200);
    const live = new LiveCanvas(editor.page);
    await expect.poll(() => live.state()).toBe('live');
    // Deployed over the API, not from this page: the toolbar hears of it anyway.
    await expect.poll(() => editor.toolbar.deployState.innerText()).toMatch(/^deployed (r|revision )1$/i);

    for (let i = 0; i < 2; i += 1) expect((await server.api('POST', `/api/flows/${hello.id}/trigger`, { node: 'greet' })).status).toBe(202);
    for (const id of ['greet', 'shape', 'show']) {
      await expect.poll(() => live.count(id, 'completed'), { timeout: 15_000 }).toBe(2);
      expect(await live.count(id, 'started')).toBe(2);
      expect(await live.count(id, 'failed')).toBe(0);
      expect(await live.status(id)).toBe('ok');
    }
    // The wires the messages went along flashed.
    for (const edge of ['e1', 'e2']) expect(Number(await editor.page.getByTestId(`edge-pulse-${edge}`).getAttribute('data-pulse'))).toBeGreaterThanOrEqual(1);
    await saveScreenshot(editor.page, 'live-canvas');

    await editor.reload();
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    await expect.poll(() => live.state()).toBe('live');
    for (const id of ['greet', 'shape', 'show']) await expect.poll(() => live.count(id, 'completed')).toBe(2);

    // After the reload, batches add to the seeded counts.
    expect((await server.api('POST', `/api/flows/${hello.id}/trigger`, { node: 'greet' })).status).toBe(202);
    for (const id of ['greet', 'shape', 'show']) await expect.poll(() => live.count(id, 'completed'), { timeout: 15_000 }).toBe(3);
  });

  it('marks the node whose messages go to the dead letters, and only that one', async () => {
    const hello = fixtureFlow('hello-world');
    const shape = hello.nodes.find((n) => n.id === 'shape')!;
    shape.config = { ...shape.config, expression: '$error("refused")' };
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    expect((await server.api('POST', `/api/flows/${hello.id}/deploy`)).status).toBe(200);
    const live = new LiveCanvas(editor.page);
    await expect.poll(() => live.state()).toBe('live');

    expect((await server.api('POST', `/api/flows/${hello.id}/trigger`, { node: 'greet' })).status).toBe(202);
    await expect.poll(() => live.count('shape', 'deadLettered'), { timeout: 15_000 }).toBe(1);
    expect(await live.count('shape', 'completed')).toBe(0);
    expect(await live.status('shape')).toBe('failing');
    expect(await live.count('greet', 'completed')).toBe(1);
    expect(await live.status('greet')).toBe('ok');
    expect(await live.count('show', 'started')).toBe(0);
  });

  it('says offline while the server is away, then live again, and the counts continue', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    expect((await server.api('POST', `/api/flows/${hello.id}/deploy`)).status).toBe(200);
    const live = new LiveCanvas(editor.page);
    await expect.poll(() => live.state()).toBe('live');
    expect((await server.api('POST', `/api/flows/${hello.id}/trigger`, { node: 'greet' })).status).toBe(202);
    await expect.poll(() => live.count('show', 'completed'), { timeout: 15_000 }).toBe(1);

    const stopped = await t.stopServer(server);
    await expect.poll(() => live.state(), { timeout: 20_000 }).toBe('offline');
    // Runs that happen while the page can't hear about them are in the server's counts.
    await server.engine.trigger(hello.id, 'greet', { name: 'offline' });
    await stopped.start();
    await expect.poll(() => live.state(), { timeout: 20_000 }).toBe('live');
    await expect.poll(() => live.count('show', 'completed'), { timeout: 15_000 }).toBe(2);
    expect((await server.api('POST', `/api/flows/${hello.id}/trigger`, { node: 'greet' })).status).toBe(202);
    await expect.poll(() => live.count('show', 'completed'), { timeout: 15_000 }).toBe(3);
  });

  it('joins with the REST token on a token-protected server', async () => {
    const hello = fixtureFlow('hello-world');
    const token = 'e2e-live-token-8d1e';
    const { editor, server } = await t.open({ token, flows: [hello], open: hello.id });
    await editor.tokenDialog.root.waitFor();
    await editor.tokenDialog.enter(token);
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    const auth = { authorization: `Bearer ${token}` };
    expect((await server.api('POST', `/api/flows/${hello.id}/deploy`, undefined, auth)).status).toBe(200);
    const live = new LiveCanvas(editor.page);
    await expect.poll(() => live.state()).toBe('live');
    expect((await server.api('POST', `/api/flows/${hello.id}/trigger`, { node: 'greet' }, auth)).status).toBe(202);
    await expect.poll(() => live.count('show', 'completed'), { timeout: 15_000 }).toBe(1);
  });
});
