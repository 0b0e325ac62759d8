/**
 * Named credentials: list (names and types only), add, replace and delete. Secrets go to the
 * server and are never shown back; nodes name a credential, never hold its secret.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { SAFE_ID_PATTERN } from '../../../flows/limits';
import type { CredentialType } from '../../../nodes/spec';
import { useEditorStore, useEditorStoreApi } from '../store/context';
import { CREDENTIAL_FORMS, CREDENTIAL_TYPE_NAMES } from './credential-types';
import { Dialog } from './Dialog';

const SAFE_ID = new RegExp(SAFE_ID_PATTERN);

export function CredentialsDialog() {
  const store = useEditorStoreApi();
  const id = useId();
  const credentials = useEditorStore((s) => s.credentials);
  const [name, setName] = useState('');
  const [type, setType] = useState<CredentialType>('http-bearer');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const form = CREDENTIAL_FORMS[type];
  const close = () => store.getState().closeDialog();
  useEffect(() => void store.getState().refreshCredentials(), [store]);

  const replace = (credentialName: string, credentialType: string) => {
    setName(credentialName);
    if (credentialType in CREDENTIAL_FORMS) setType(credentialType as CredentialType);
    setFields({});
    setSecret('');
    setError(null);
    document.getElementById(`${id}-secret`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!SAFE_ID.test(name)) return setError('A name is letters, digits, “_”, “.” and “-”, starting with a letter or digit.');
    if (secret === '') return setError(`${form.secret.label} is required.`);
    const body = { type, ...Object.fromEntries(form.fields.map((f) => [f.key, fields[f.key] ?? f.options?.[0] ?? ''])), [form.secret.key]: secret };
    const why = await store.getState().saveCredential(name, body);
    setError(why);
    if (!why) {
      setName('');
      setFields({});
      setSecret('');
    }
  };

  return (
    <Dialog testId="credentials-dialog" title="Credentials" onClose={close} wide>
      <p className="muted">Secrets are stored encrypted on the server and never shown again. Nodes refer to a credential by its name.</p>
      {credentials === null ? (
        <p className="muted">Loading…</p>
      ) : credentials.length === 0 ? (
        <p className="muted">No credentials yet.</p>
      ) : (
        <ul className="credentials" aria-label="Stored credentials">
          {credentials.map((c) => (
            <li key={c.name} data-testid={`credential-item-${c.name}`}>
              <span className="credentials__name">{c.name}</span>
              <span className="credentials__type">{c.type}</span>
              <span className="credentials__secret" aria-label="secret hidden">
                ••••••
              </span>
              <button type="button" className="btn btn--small" onClick={() => replace(c.name, c.type)}>
                Replace
              </button>
              <button type="button" className="btn btn--small btn--danger" data-testid={`credential-delete-${c.name}`} aria-label={`Delete ${c.name}`} onClick={() => void store.getState().deleteCredential(c.name)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="credential-form" onSubmit={(e) => void submit(e)}>
        <h3>Add or replace</h3>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} data-testid="credential-name" value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`}>Type</label>
          <select id={`${id}-type`} data-testid="credential-type" value={type} onChange={(e) => setType(e.target.value as CredentialType)}>
            {CREDENTIAL_TYPE_NAMES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        {form.fields.map((f) => (
          <div className="field" key={`${type}-${f.key}`}>
            <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
            {f.options ? (
              <select id={`${id}-${f.key}`} value={fields[f.key] ?? f.options[0]} onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })}>
                {f.options.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
            ) : (
              <input id={`${id}-${f.key}`} value={fields[f.key] ?? ''} autoComplete="off" onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })} />
            )}
          </div>
        ))}
        <div className="field">
          <label htmlFor={`${id}-secret`}>{form.secret.label}</label>
          <input id={`${id}-secret`} type="password" data-testid="credential-secret" value={secret} autoComplete="new-password" onChange={(e) => setSecret(e.target.value)} />
        </div>
        {error && (
          <p className="error-detail" role="alert">
            {error}
          </p>
        )}
        <footer className="dialog__actions">
          <button type="submit" className="btn btn--primary" data-testid="credential-save">
            Save credential
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
