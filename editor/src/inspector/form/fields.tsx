/**
 * Fields for values rjsf has no good form for: free JSON (a payload, a user-written JSON
 * Schema) as a JSON text editor, and name → value maps (headers) as rows of key and value.
 */
import type { FieldProps, RegistryFieldsType } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { canonical, parseJson } from '../../model/json';
import { ExpressionInput } from '../ExpressionInput';
import type { FormContext } from './widgets';

type Schema = Record<string, unknown>;

function FieldHead({ id, title, description }: { id: string; title: string; description?: string }) {
  return (
    <>
      <label htmlFor={id} className="control-label">
        {title}
      </label>
      {description && (
        <p id={`${id}__description`} className="field-description">
          {description}
        </p>
      )}
    </>
  );
}

function JsonField({ formData, onChange, schema, fieldPathId, name, disabled, readonly, rawErrors }: FieldProps) {
  const id = fieldPathId.$id;
  const [text, setText] = useState(() => JSON.stringify(formData ?? null, null, 2));
  const [error, setError] = useState<string | null>(null);
  // Follow changes made elsewhere (undo, another field), not the echo of what was typed here.
  useEffect(() => {
    const parsed = parseJson(text);
    if (!parsed.ok || canonical(parsed.value) !== canonical(formData ?? null)) {
      setText(JSON.stringify(formData ?? null, null, 2));
      setError(null);
    }
  }, [formData]); // eslint-disable-line react-hooks/exhaustive-deps
  const title = typeof schema.title === 'string' ? schema.title : name;
  return (
    <div className="form-group json-field">
      <FieldHead id={id} title={title} {...(typeof schema.description === 'string' && { description: schema.description })} />
      <textarea
        id={id}
        className="code"
        rows={Math.min(12, Math.max(3, text.split('\n').length))}
        spellCheck={false}
        value={text}
        disabled={disabled || readonly}
        aria-invalid={error !== null}
        aria-describedby={`${id}__json`}
        onChange={(e) => {
          setText(e.target.value);
          const parsed = parseJson(e.target.value);
          setError(parsed.ok ? null : parsed.message);
          if (parsed.ok) onChange(parsed.value, fieldPathId.path);
        }}
      />
      <p id={`${id}__json`} className={`expr__check${error ? ' is-error' : ''}`}>
        {error ? `Not JSON yet: ${error}` : 'JSON ✓'}
      </p>
      {rawErrors?.map((e) => (
        <p key={e} className="error-detail">
          {e}
        </p>
      ))}
    </div>
  );
}

type Row = { key: string; value: string };
const rowsOf = (data: unknown): Row[] => Object.entries((data ?? {}) as Record<string, unknown>).map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) }));
const objectOf = (rows: Row[]) => Object.fromEntries(rows.filter((r) => r.key !== '').map((r) => [r.key, r.value]));

function KeyValueField({ formData, onChange, schema, fieldPathId, name, registry, disabled, readonly, errorSchema }: FieldProps) {
  const id = fieldPathId.$id;
  const [rows, setRows] = useState<Row[]>(() => rowsOf(formData));
  useEffect(() => {
    if (canonical(objectOf(rows)) !== canonical(formData ?? {})) setRows(rowsOf(formData));
  }, [formData]); // eslint-disable-line react-hooks/exhaustive-deps
  const valueSchema = (Object.values((schema.patternProperties ?? {}) as Record<string, Schema>)[0] ?? schema.additionalProperties ?? {}) as Schema;
  const isExpression = valueSchema.format === 'jsonata';
  const nodeId = (registry.formContext as FormContext | undefined)?.nodeId ?? '';
  const title = typeof schema.title === 'string' ? schema.title : name;
  const update = (next: Row[]) => {
    setRows(next);
    onChange(objectOf(next), fieldPathId.path);
  };
  const errors = Object.entries((errorSchema ?? {}) as Record<string, { __errors?: string[] }>).flatMap(([key, e]) => (e?.__errors ?? []).map((m) => `${key}: ${m}`));
  return (
    <fieldset className="form-group kv-field" id={id}>
      <legend className="control-label">{title}</legend>
      {typeof schema.description === 'string' && <p className="field-description">{schema.description}</p>}
      {rows.map((row, i) => (
        <div className="kv-field__row" key={i}>
          <input aria-label={`${title}: name ${i + 1}`} value={row.key} disabled={disabled || readonly} onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))} />
          {isExpression ? (
            <ExpressionInput id={`${id}_${i}_value`} value={row.value} nodeId={nodeId} onChange={(v) => update(rows.map((r, j) => (j === i ? { ...r, value: v } : r)))} ariaLabel={`${title}: value ${i + 1}`} />
          ) : (
            <input aria-label={`${title}: value ${i + 1}`} value={row.value} disabled={disabled || readonly} onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))} />
          )}
          <button type="button" className="btn btn--small btn--danger" aria-label={`Remove ${row.key || `row ${i + 1}`}`} onClick={() => update(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="btn btn--small" onClick={() => setRows([...rows, { key: '', value: '' }])} disabled={disabled || readonly}>
        + Add {title.toLowerCase().replace(/s$/, '')}
      </button>
      {errors.map((e) => (
        <p key={e} className="error-detail">
          {e}
        </p>
      ))}
    </fieldset>
  );
}

export const FIELDS: RegistryFieldsType = { json: JsonField, keyValue: KeyValueField };
