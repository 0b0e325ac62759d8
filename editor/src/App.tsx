/**
 * The editor's layout: toolbar on top; flows and palette left, canvas in the middle with the
 * bottom panel under it, inspector right; dialogs above.
 */
import { Canvas } from './canvas/Canvas';
import { DialogHost } from './dialogs/DialogHost';
import { useCommands } from './hooks/use-commands';
import { useHashRoute } from './hooks/use-hash-route';
import { useLiveValidation } from './hooks/use-live-validation';
import { useShortcuts } from './hooks/use-shortcuts';
import { useUnsavedWarning } from './hooks/use-unsaved-warning';
import { Inspector } from './inspector/Inspector';
import { BottomPanel } from './panel/BottomPanel';
import { FlowsPanel } from './palette/FlowsPanel';
import { Palette } from './palette/Palette';
import { Toolbar } from './toolbar/Toolbar';

export function App() {
  const commands = useCommands();
  useShortcuts(commands);
  useHashRoute();
  useLiveValidation();
  useUnsavedWarning();
  return (
    <div className="app">
      <Toolbar commands={commands} />
      <nav className="side" aria-label="Flows and node types">
        <FlowsPanel />
        <Palette />
      </nav>
      <main className="center" aria-label="Flow canvas">
        <Canvas />
        <BottomPanel />
      </main>
      <Inspector />
      <DialogHost />
    </div>
  );
}
