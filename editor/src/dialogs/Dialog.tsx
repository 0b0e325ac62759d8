/**
 * A modal dialog on the native <dialog> element: focus is kept inside while it is open, Escape
 * closes it, and focus returns to where it was.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface DialogProps {
  testId: string;
  title: string;
  /** Called on Escape or the close button; leave out for a dialog that must be answered. */
  onClose?: () => void;
  children: ReactNode;
  wide?: boolean;
}

export function Dialog({ testId, title, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    const before = document.activeElement as HTMLElement | null;
    if (dialog && !dialog.open) dialog.showModal();
    return () => {
      dialog?.close();
      if (before?.isConnected) before.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog--wide' : ''}`}
      data-testid={testId}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose?.();
      }}
    >
      <header className="dialog__head">
        <h2 id={titleId}>{title}</h2>
        {onClose && (
          <button type="button" className="btn btn--ghost dialog__close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        )}
      </header>
      <div className="dialog__body">{children}</div>
    </dialog>
  );
}
