/** The toolbar: flow name and unsaved marker, file actions, history, layout, import/export, deploy, trigger. */
import { useShallow } from 'zustand/react/shallow';
import type { Commands } from '../hooks/use-commands';
import { useEditorStore } from '../store/context';
import { selectDirty } from '../store/selectors';
import { DeployControls } from './DeployControls';

interface ButtonProps {
  testId: string;
  label: string;
  onClick(): void;
  title?: string;
  disabled?: boolean;
  className?: string;
  ariaLabel?: string;
}

function ToolButton({ testId, label, onClick, title, disabled, className, ariaLabel }: ButtonProps) {
  return (
    <button type="button" className={`btn ${className ?? ''}`} data-testid={testId} onClick={onClick} title={title} disabled={disabled} aria-label={ariaLabel}>
      {label}
    </button>
  );
}

export function Toolbar({ commands }: { commands: Commands }) {
  const { name, canUndo, canRedo, hasInject, saving, isOpen } = useEditorStore(
    useShallow((s) => ({
      name: s.doc?.name ?? '',
      canUndo: s.past.length > 0,
      canRedo: s.future.length > 0,
      hasInject: s.doc?.nodes.some((n) => n.type === 'inject') ?? false,
      saving: s.busy === 'saving',
      isOpen: s.doc !== null,
    })),
  );
  const dirty = useEditorStore(selectDirty);

  return (
    <header className="toolbar" aria-label="Toolbar">
      <div className="toolbar__brand">
        <span className="brand" aria-hidden="true">
          ≋
        </span>
        <h1 className="toolbar__title">
          <span className="sr-only">Tributary — </span>
          <span title={name}>{name || 'Tributary'}</span>
        </h1>
        {dirty && (
          <span className="dirty" data-testid="dirty-marker" title="Unsaved changes" role="img" aria-label="Unsaved changes">
            ●
          </span>
        )}
      </div>
      <div className="toolbar__group" role="group" aria-label="File">
        <ToolButton testId="toolbar-new" label="New" onClick={commands.newFlow} title="Start a new flow" />
        <ToolButton testId="toolbar-save" label={saving ? 'Saving…' : 'Save'} onClick={commands.save} title="Save (Ctrl+S); a draft with problems saves too" disabled={!isOpen} />
      </div>
      <div className="toolbar__group" role="group" aria-label="Edit">
        <ToolButton testId="toolbar-undo" label="Undo" onClick={commands.undo} title="Undo (Ctrl+Z)" disabled={!canUndo} />
        <ToolButton testId="toolbar-redo" label="Redo" onClick={commands.redo} title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} />
        <ToolButton testId="toolbar-layout" label="Layout" onClick={() => void commands.layout()} title="Auto-layout left to right (Shift+L)" />
        <ToolButton testId="toolbar-fit" label="Fit" onClick={commands.fitView} title="Fit the flow into view (Shift+F)" />
      </div>
      <div className="toolbar__group" role="group" aria-label="Import and export">
        <ToolButton testId="toolbar-import" label="Import" onClick={commands.openImport} title="Import from a file or pasted JSON (Shift+I)" />
        <ToolButton testId="toolbar-export" label="Export" onClick={commands.exportFile} title="Download the flow as .json" />
        <ToolButton testId="toolbar-copy-json" label="Copy JSON" onClick={() => void commands.copyJson()} title="Copy the flow's JSON to the clipboard" />
      </div>
      <DeployControls commands={commands} />
      <div className="toolbar__group" role="group" aria-label="Run">
        <ToolButton testId="toolbar-trigger" label="▶ Trigger" onClick={commands.trigger} title={hasInject ? 'Start a run at an inject node' : 'Add an inject node to trigger runs by hand'} disabled={!hasInject} />
      </div>
      <div className="toolbar__group toolbar__end" role="group" aria-label="More">
        <ToolButton testId="toolbar-credentials" label="Credentials" onClick={commands.credentials} title="Stored credentials" />
        <ToolButton testId="toolbar-help" label="?" onClick={commands.help} title="Keyboard shortcuts (?)" className="btn--round" ariaLabel="Help: keyboard shortcuts" />
      </div>
    </header>
  );
}
