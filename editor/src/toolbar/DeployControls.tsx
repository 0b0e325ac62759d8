/** Deploy with its state — not deployed, deployed revision N, changed since deploy — and undeploy. */
import { useShallow } from 'zustand/react/shallow';
import { useEditorStore } from '../store/context';
import { deployStateOf, type DeployState } from '../store/selectors';
import type { Commands } from '../hooks/use-commands';

function describe(state: DeployState): { text: string; tone: string; title: string } {
  switch (state.kind) {
    case 'draft':
      return { text: 'Not saved yet', tone: 'none', title: 'Save the flow to deploy it' };
    case 'not-deployed':
      return { text: 'Not deployed', tone: 'none', title: 'This flow takes no messages until it is deployed' };
    case 'deployed':
      return { text: `Deployed r${state.revision}`, tone: 'ok', title: `Revision ${state.revision} is deployed and running; it is what you see` };
    case 'changed':
      return { text: `Changed since deploy (r${state.revision})`, tone: 'warn', title: `Revision ${state.revision} is running; your changes since are not deployed yet` };
  }
}

export function DeployControls({ commands }: { commands: Commands }) {
  const state = useEditorStore(useShallow(deployStateOf));
  const busy = useEditorStore((s) => s.busy);
  const { text, tone, title } = describe(state);
  const deployed = state.kind === 'deployed' || state.kind === 'changed';
  return (
    <div className="toolbar__group" role="group" aria-label="Deployment">
      <button type="button" className="btn btn--primary" data-testid="toolbar-deploy" onClick={commands.deploy} disabled={busy === 'deploying'} title="Save if needed, then deploy (Shift+D)">
        {busy === 'deploying' ? 'Deploying…' : 'Deploy'}
      </button>
      <span className={`deploy-state deploy-state--${tone}`} data-testid="deploy-state" role="status" title={title}>
        {text}
      </span>
      {deployed && (
        <button type="button" className="btn btn--ghost btn--small" data-testid="toolbar-undeploy" onClick={commands.undeploy} title="Stop taking messages in; what is in flight finishes">
          Undeploy
        </button>
      )}
    </div>
  );
}
