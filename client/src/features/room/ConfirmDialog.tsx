import { useEffect, useId, useRef, type ReactNode } from 'react';
import './roomux.css';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  /** Label of the button that goes ahead (it carries `confirmTestId`). */
  confirmLabel: string;
  confirmTestId: string;
  cancelLabel: string;
  /** Going ahead ends something for others too: the button takes the danger colour. */
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal question before a step that cannot be undone in one tap (leaving,
 * ending for everyone). Focus starts on the safe choice; Escape cancels.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  confirmTestId,
  cancelLabel,
  danger = false,
  busy = false,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const titleId = useId();
  const bodyId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(typeof document !== 'undefined' ? document.activeElement : null);

  useEffect(() => {
    cancelRef.current?.focus();
    const back = opener.current;
    return () => {
      if (back instanceof HTMLElement && back.isConnected) back.focus();
    };
  }, []);

  return (
    <div
      className="confirm-backdrop"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="confirm" role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId}>
        <h2 className="confirm__title" id={titleId}>
          {title}
        </h2>
        <div className="confirm__body" id={bodyId}>
          {children}
        </div>
        <div className="confirm__actions">
          <button type="button" ref={cancelRef} className="button button--secondary" onClick={onCancel}>
            {cancelLabel}
          </button>
          <button
            type="button"
            className={`button ${danger ? 'button--danger' : 'button--primary'}`}
            data-testid={confirmTestId}
            disabled={busy}
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
