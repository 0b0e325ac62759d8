/** Shows the open dialog, exhaustively by kind, and the token prompt above everything. */
import { assertNever } from '../model/node-data';
import { useEditorStore } from '../store/context';
import type { DialogState } from '../store/types';
import { ConflictDialog } from './ConflictDialog';
import { CredentialsDialog } from './CredentialsDialog';
import { DeployProblemsDialog } from './DeployProblemsDialog';
import { HelpOverlay } from './HelpOverlay';
import { ImportDialog } from './ImportDialog';
import { RenameDialog } from './RenameDialog';
import { TokenDialog } from './TokenDialog';
import { TriggerDialog } from './TriggerDialog';
import { UnsavedDialog } from './UnsavedDialog';

function OpenDialog({ dialog }: { dialog: DialogState }) {
  switch (dialog.kind) {
    case 'import':
      return <ImportDialog {...(dialog.text !== undefined && { initialText: dialog.text })} {...(dialog.source !== undefined && { source: dialog.source })} />;
    case 'conflict':
      return <ConflictDialog currentRevision={dialog.currentRevision} then={dialog.then} />;
    case 'deploy-problems':
      return <DeployProblemsDialog detail={dialog.detail} problems={dialog.problems} />;
    case 'trigger':
      return <TriggerDialog {...(dialog.nodeId !== undefined && { nodeId: dialog.nodeId })} />;
    case 'credentials':
      return <CredentialsDialog />;
    case 'help':
      return <HelpOverlay />;
    case 'rename':
      return <RenameDialog />;
    case 'unsaved':
      return <UnsavedDialog flowId={dialog.flowId} />;
    default:
      return assertNever(dialog);
  }
}

export function DialogHost() {
  const dialog = useEditorStore((s) => s.dialog);
  const asking = useEditorStore((s) => s.tokenPrompt !== null);
  return (
    <>
      {dialog && !asking && <OpenDialog key={dialog.kind} dialog={dialog} />}
      {asking && <TokenDialog />}
    </>
  );
}
