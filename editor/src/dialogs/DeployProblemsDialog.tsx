/** The server refused to deploy (422): its problems, each leading to its node. */
import type { Problem } from '../../../flows/problems';
import { nodeIdOf } from '../model/problem-index';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { Dialog } from './Dialog';

export function DeployProblemsDialog({ detail, problems }: { detail: string; problems: Problem[] }) {
  const store = useEditorStoreApi();
  const doc = useEditorStore((s) => s.doc);
  const close = () => store.getState().closeDialog();
  const show = (nodeId: string) => {
    close();
    store.getState().setSelection([nodeId], []);
    store.getState().revealNode(nodeId);
  };
  return (
    <Dialog testId="deploy-problems" title="Not deployed: the flow has problems" onClose={close} wide>
      <p>The server refused to deploy: {detail}. Fix these and deploy again (a flow with problems can still be saved as a draft).</p>
      <ul className="problems problems--dialog">
        {problems.map((p, i) => {
          const nodeId = nodeIdOf(p, doc);
          const name = nodeId ? (doc?.nodes.find((n) => n.id === nodeId)?.name ?? nodeId) : 'flow';
          return (
            <li key={i}>
              {nodeId ? (
                <button type="button" className="problems__item" data-pointer={p.pointer} data-node-id={nodeId} onClick={() => show(nodeId)}>
                  <span className="problems__where">{name}</span>
                  <span className="problems__message">{p.message}</span>
                  <code className="problems__pointer">{p.pointer}</code>
                </button>
              ) : (
                <span className="problems__item" data-pointer={p.pointer}>
                  <span className="problems__where">{name}</span>
                  <span className="problems__message">{p.message}</span>
                  <code className="problems__pointer">{p.pointer || '/'}</code>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <footer className="dialog__actions">
        <button type="button" className="btn btn--primary" onClick={close}>
          Back to the flow
        </button>
      </footer>
    </Dialog>
  );
}
