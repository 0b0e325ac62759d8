/** Export to a file and import it back as a copy; a broken pasted document is refused with its problems. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowDocument } from '../flows/schema';
import { ARTIFACTS_DIR, saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { fixtureFlow } from './support/fixtures';

describe('when flows are exported and imported', () => {
  const t = useEditorApp();

  it('exports to a .json download, and imports that file as a copy equal to it but for id and name', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));

    const download = await editor.toolbar.exportDownload();
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const dir = join(ARTIFACTS_DIR, 'downloads');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as FlowDocument;
    expect(exported).toEqual((await server.api('GET', `/api/flows/${hello.id}/export`)).body);

    await editor.toolbar.import.click();
    await editor.importDialog.root.waitFor();
    await editor.importDialog.file.setInputFiles(file);
    await editor.importDialog.asCopy.check();
    await saveScreenshot(editor.page, 'import-dialog');
    await editor.importDialog.submit.click();
    await editor.importDialog.root.waitFor({ state: 'hidden' });

    const listed = (await server.api('GET', '/api/flows')).body as Array<{ id: string }>;
    const copies = listed.filter((f) => f.id !== hello.id);
    expect(copies).toHaveLength(1);
    const copyId = copies[0]!.id;
    await editor.flows.item(copyId).waitFor();
    const copy = (await server.api('GET', `/api/flows/${copyId}/export`)).body as FlowDocument;
    expect(copy.id).not.toBe(exported.id);
    expect({ ...copy, id: exported.id, name: exported.name }).toEqual(exported);
  });

  it('shows the problems of a broken pasted document and imports nothing', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor, server } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    const before = (await server.api('GET', '/api/flows')).body as unknown[];

    // Not a flow document at all: no format, nodes that are not a list, an edge without ends.
    const broken = { id: 'broken one', name: 'Broken', nodes: 'inject', edges: [{ id: 'e1' }] };
    await editor.toolbar.import.click();
    await editor.importDialog.root.waitFor();
    await editor.importDialog.text.fill(JSON.stringify(broken, null, 2));
    await editor.importDialog.problems.waitFor();
    if (await editor.importDialog.submit.isEnabled()) await editor.importDialog.submit.click();
    await editor.importDialog.problems.waitFor();
    const problemsText = await editor.importDialog.problems.innerText();
    expect(problemsText).toMatch(/\/format|format/i);
    expect(problemsText).toMatch(/\/nodes|nodes/i);
    await saveScreenshot(editor.page, 'import-problems');

    expect((await server.api('GET', '/api/flows')).body).toEqual(before);
    expect(await editor.flows.ids()).toEqual([hello.id]);
  });
});
