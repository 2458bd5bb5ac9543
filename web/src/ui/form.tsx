import {
  ButtonHTMLAttributes,
  FormEvent,
  InputHTMLAttributes,
  ReactNode,
  RefObject,
  SelectHTMLAttributes,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { ApiError, describeError, toApiError } from '../api/problem';

export interface SubmitState {
  pending: boolean;
  error: ApiError | null;
  /** A sentence for the error, by its code (with page-specific wording where given). */
  message: string | null;
  formRef: RefObject<HTMLFormElement | null>;
  summaryRef: RefObject<HTMLDivElement | null>;
  /** The API's message for one field (validation_failed `errors`), if any. */
  fieldError(name: string): string | undefined;
  /** Wraps an async submit: pending state, one submission at a time, errors kept. */
  handle(action: () => Promise<void>): (event?: FormEvent) => void;
  run(action: () => Promise<void>): Promise<boolean>;
  setError(error: ApiError | null): void;
}

/**
 * Form state driven by the API: validation messages come from the problem's `errors` (never a
 * second copy of a rule here). After a failure, focus moves to the first field in error, or to
 * the message when no field is to blame, so keyboard and screen-reader users land on it.
 */
export function useSubmit(
  overrides: Record<string, string> = {},
  options: { focusOnError?: string } = {},
): SubmitState {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const busy = useRef(false);

  useEffect(() => {
    if (!error) return;
    const fields = error.fieldErrors.map((f) => f.field);
    const invalid = Array.from(formRef.current?.querySelectorAll<HTMLElement>('[name]') ?? []).find(
      (element) => {
        const name = element.getAttribute('name') ?? '';
        return fields.some((field) => field === name || field.startsWith(`${name}.`));
      },
    );
    // A form with one thing to retype (a code) puts focus there; the alert is still announced.
    const preferred = options.focusOnError
      ? formRef.current?.querySelector<HTMLInputElement>(`[name="${options.focusOnError}"]`)
      : null;
    const target = invalid ?? preferred ?? summaryRef.current;
    target?.focus();
    if (target instanceof HTMLInputElement) target.select();
  }, [error, attempt]);

  const run = useCallback(async (action: () => Promise<void>): Promise<boolean> => {
    if (busy.current) return false;
    busy.current = true;
    setPending(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (caught) {
      setError(toApiError(caught));
      setAttempt((n) => n + 1);
      return false;
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);

  return {
    pending,
    error,
    message: error ? describeError(error, overrides) : null,
    formRef,
    summaryRef,
    fieldError: (name) => {
      const messages = (error?.fieldErrors ?? [])
        .filter((f) => f.field === name || f.field.startsWith(`${name}.`))
        .map((f) => f.message);
      return messages.length > 0 ? messages.join(' ') : undefined;
    },
    handle: (action) => (event) => {
      event?.preventDefault();
      void run(action);
    },
    run,
    setError,
  };
}

/** The form's error message: announced at once, and focusable for focus-after-error. */
export function FormError({ state: form, children }: { state: SubmitState; children?: ReactNode }) {
  return (
    <div
      ref={form.summaryRef}
      tabIndex={-1}
      role="alert"
      className={form.message ? 'alert error' : 'alert-empty'}
    >
      {form.message && (
        <>
          <p>{form.message}</p>
          {children}
        </>
      )}
    </div>
  );
}

/** A polite live region for outcomes ("Saved."), kept in the page so it is announced. */
export function Status({ message }: { message: string | null }) {
  return (
    <p role="status" className={message ? 'status success' : 'status-empty'}>
      {message}
    </p>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  state?: SubmitState;
  hint?: ReactNode;
  /** An error known without the API (e.g. none), else the API's. */
  error?: string;
};

export function Field({ label, name, state: form, hint, error, className, ...input }: FieldProps) {
  const id = useId();
  const message = error ?? form?.fieldError(name);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = message ? `${id}-error` : undefined;
  const checkbox = input.type === 'checkbox';
  const control = (
    <input
      id={id}
      name={name}
      aria-invalid={message ? true : undefined}
      aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
      {...input}
    />
  );
  return (
    <div className={`field${checkbox ? ' field-check' : ''}${className ? ` ${className}` : ''}`}>
      {checkbox && control}
      <label htmlFor={id}>{label}</label>
      {!checkbox && control}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {message && (
        <p id={errorId} className="field-error">
          {message}
        </p>
      )}
    </div>
  );
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  name: string;
  state?: SubmitState;
  children: ReactNode;
};

export function SelectField({ label, name, state: form, children, ...select }: SelectProps) {
  const id = useId();
  const message = form?.fieldError(name);
  const errorId = message ? `${id}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
        aria-invalid={message ? true : undefined}
        aria-describedby={errorId}
        {...select}
      >
        {children}
      </select>
      {message && (
        <p id={errorId} className="field-error">
          {message}
        </p>
      )}
    </div>
  );
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  pending?: boolean;
  /** Shown while pending, e.g. "Saving…". */
  pendingLabel?: string;
  variant?: 'primary' | 'secondary' | 'danger' | 'link';
};

/**
 * A button that shows its pending state and ignores clicks meanwhile; it stays focusable
 * (aria-disabled rather than disabled) so keyboard focus is not lost mid-request.
 */
export function Button({
  pending = false,
  pendingLabel,
  variant = 'primary',
  children,
  className,
  onClick,
  type = 'button',
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type}
      className={`button ${variant}${className ? ` ${className}` : ''}`}
      aria-disabled={pending || undefined}
      aria-busy={pending || undefined}
      onClick={(event) => {
        if (pending) {
          event.preventDefault();
          return;
        }
        onClick?.(event);
      }}
      {...rest}
    >
      {pending ? (pendingLabel ?? 'Working…') : children}
    </button>
  );
}
