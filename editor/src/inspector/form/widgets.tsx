/**
 * Widgets for Tributary's field formats: `jsonata` (an expression editor checked as you type)
 * and `credential` (a picker of stored credentials of the allowed types). rjsf picks a widget by
 * its format name.
 */
import { descriptionId, type RegistryWidgetsType, type WidgetProps } from '@rjsf/utils';
import { useShallow } from 'zustand/react/shallow';
import { useEditorStore, useEditorStoreApi } from '../../store/context';
import { ExpressionInput } from '../ExpressionInput';

export interface FormContext {
  nodeId: string;
}

function JsonataWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, schema, options, disabled, readonly, registry } = props;
  const nodeId = (registry.formContext as FormContext | undefined)?.nodeId ?? '';
  const fallback = typeof schema.default === 'string' ? `default: ${schema.default}` : undefined;
  return (
    <ExpressionInput
      id={id}
      value={typeof value === 'string' ? value : ''}
      onChange={(next) => onChange(next === '' ? options.emptyValue : next)}
      onBlur={() => onBlur(id, value)}
      nodeId={nodeId}
      disabled={disabled || readonly}
      describedBy={schema.description ? descriptionId(id) : undefined}
      {...(fallback !== undefined && { placeholder: fallback })}
    />
  );
}

function CredentialWidget(props: WidgetProps) {
  const { id, value, onChange, schema, disabled, readonly, options } = props;
  const store = useEditorStoreApi();
  const allowed = (schema['x-credential-types'] as string[] | undefined) ?? [];
  const names = useEditorStore(useShallow((s) => (s.credentials ?? []).filter((c) => allowed.length === 0 || allowed.includes(c.type)).map((c) => c.name)));
  const current = typeof value === 'string' ? value : '';
  const missing = current !== '' && !names.includes(current);
  return (
    <div className="credential-picker">
      <select id={id} value={current} disabled={disabled || readonly} onChange={(e) => onChange(e.target.value === '' ? options.emptyValue : e.target.value)}>
        <option value="">— none —</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
        {missing && <option value={current}>{current} (missing)</option>}
      </select>
      <button type="button" className="btn btn--small" onClick={() => store.getState().openDialog({ kind: 'credentials' })}>
        Manage…
      </button>
      <p className="muted small">Allowed types: {allowed.join(', ') || 'any'}. Secrets never enter the flow.</p>
    </div>
  );
}

export const WIDGETS: RegistryWidgetsType = { jsonata: JsonataWidget, credential: CredentialWidget };
