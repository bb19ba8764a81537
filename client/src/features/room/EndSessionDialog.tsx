import { useEffect, useId, useRef } from 'react';

export interface EndSessionDialogProps {
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** "End for everyone?" A modal confirmation that keeps focus inside until answered; Escape cancels. */
export function EndSessionDialog({ busy, onConfirm, onCancel }: EndSessionDialogProps) {
  const titleId = useId();
  const textId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const returnTo = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => returnTo?.focus?.();
  }, []);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onCancel();
      return;
    }
    if (e.key !== 'Tab') return;
    const buttons = Array.from(dialogRef.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? []);
    const first = buttons[0];
    const last = buttons[buttons.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  }

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={textId}
        data-testid="end-session-dialog"
        onKeyDown={onKeyDown}
      >
        <h2 className="dialog__title" id={titleId}>
          End this session for everyone?
        </h2>
        <p id={textId}>
          Everyone in the room and in the waiting room will be disconnected, and the session cannot be reopened.
        </p>
        <div className="dialog__actions">
          <button ref={cancelRef} type="button" className="button button--secondary" onClick={onCancel}>
            Keep the session going
          </button>
          <button
            type="button"
            className="button button--danger"
            data-testid="end-session-confirm"
            disabled={busy}
            onClick={onConfirm}
          >
            End for everyone
          </button>
        </div>
      </div>
    </div>
  );
}
