/** axe-core over the editor's main screen: no serious or critical violations. */
import { AxeBuilder } from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import { saveScreenshot } from './support/artifacts';
import { useEditorApp } from './support/editor-app';
import { fixtureFlow } from './support/fixtures';

describe('when axe-core checks the editor', () => {
  const t = useEditorApp();

  it('finds no serious or critical violations on the main screen, with a node open in the inspector', async () => {
    const hello = fixtureFlow('hello-world');
    const { editor } = await t.open({ flows: [hello], open: hello.id });
    await editor.waitForNodes(hello.nodes.map((n) => n.id));
    await editor.selectNode('shape');
    await editor.inspector.configForm.waitFor();
    await editor.problems.open();
    await saveScreenshot(editor.page, 'main-screen');

    const results = await new AxeBuilder({ page: editor.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
    expect(serious).toEqual([]);
    // The check really ran over the page.
    expect(results.passes.length).toBeGreaterThan(10);
  });
});
