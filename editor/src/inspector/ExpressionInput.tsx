/** A JSONata field: checked as you type (the same checkExpression validation runs), and triable. */
import { useMemo } from 'react';
import { checkExpression } from '../../../flows/expression';
import { TryExpression } from './TryExpression';

export interface ExpressionInputProps {
  id: string;
  value: string;
  onChange(value: string): void;
  onBlur?(): void;
  nodeId: string;
  placeholder?: string;
  disabled?: boolean;
  /** Ids of other elements describing the field (its description). */
  describedBy?: string;
  testId?: string;
  /** A label for when no <label> points at the field. */
  ariaLabel?: string;
}

export function ExpressionInput({ id, value, onChange, onBlur, nodeId, placeholder, disabled, describedBy, testId, ariaLabel }: ExpressionInputProps) {
  const problem = useMemo(() => (value === '' ? null : checkExpression(value)), [value]);
  const checkId = `${id}__check`;
  const rows = Math.min(8, Math.max(2, value.split('\n').length));
  return (
    <div className="expr">
      <textarea
        id={id}
        className="code"
        rows={rows}
        spellCheck={false}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        aria-invalid={problem !== null}
        aria-describedby={[describedBy, checkId].filter(Boolean).join(' ')}
        data-testid={testId}
        aria-label={ariaLabel}
      />
      <p id={checkId} className={`expr__check${problem ? ' is-error' : ''}`} aria-live="polite">
        {problem ? `${problem.message}${problem.position !== undefined ? ` (at ${problem.position})` : ''}` : value === '' ? '' : 'JSONata ✓'}
      </p>
      {value !== '' && problem === null && <TryExpression source={value} nodeId={nodeId} />}
    </div>
  );
}
