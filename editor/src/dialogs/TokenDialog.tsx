/** The server wants its API token: asked once, kept for this browser session; a wrong one is said plainly. */
import { useId, useState, type FormEvent } from 'react';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { Dialog } from './Dialog';

export function TokenDialog() {
  const store = useEditorStoreApi();
  const id = useId();
  const refused = useEditorStore((s) => s.tokenPrompt?.refused === true);
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim() !== '') store.getState().submitToken(token);
  };
  return (
    <Dialog testId="token-dialog" title="This server needs its API token">
      <form onSubmit={submit}>
        <p>
          This Tributary server is protected by a token (<code>TRIBUTARY_TOKEN</code>). Enter it to continue; it is kept for this browser session only.
        </p>
        <div className="field">
          <label htmlFor={`${id}-token`}>API token</label>
          <input id={`${id}-token`} type="password" autoComplete="current-password" data-testid="token-input" value={token} onChange={(e) => setToken(e.target.value)} autoFocus aria-describedby={refused ? `${id}-error` : undefined} />
        </div>
        {refused && (
          <p id={`${id}-error`} className="error-detail" role="alert" data-testid="token-error">
            The server refused that token: it is not the one this server was started with. Check it and try again.
          </p>
        )}
        <footer className="dialog__actions">
          <button type="submit" className="btn btn--primary" data-testid="token-submit" disabled={token.trim() === ''}>
            Continue
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
