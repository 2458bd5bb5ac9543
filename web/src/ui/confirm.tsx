import { ReactNode, useId, useRef } from 'react';
import { Button, FormError, useSubmit } from './form';

/**
 * A button that asks first, in a native modal dialog (focus is trapped and Escape cancels;
 * focus returns to the button on close).
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  pendingLabel,
  onConfirm,
  variant = 'danger',
  buttonLabel,
}: {
  /** The button's text. */
  label: string;
  /** An accessible name when the text alone is ambiguous ("Revoke" → "Revoke key CI"). */
  buttonLabel?: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  onConfirm: () => Promise<void>;
  variant?: 'danger' | 'secondary' | 'primary';
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useSubmit();
  const titleId = useId();
  const close = () => {
    form.setError(null);
    dialog.current?.close();
  };
  return (
    <>
      <Button
        variant={variant === 'primary' ? 'secondary' : variant}
        aria-label={buttonLabel}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={titleId}
        className="dialog"
        onClose={() => form.setError(null)}
      >
        <form
          ref={form.formRef}
          onSubmit={form.handle(async () => {
            await onConfirm();
            close();
          })}
        >
          <h2 id={titleId}>{title}</h2>
          <div className="dialog-body">{children}</div>
          <FormError state={form} />
          <div className="actions">
            <Button
              type="submit"
              variant={variant}
              pending={form.pending}
              pendingLabel={pendingLabel}
            >
              {confirmLabel}
            </Button>
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
