import { useCallback, useId, useState, type ReactNode } from 'react';
import type { ZodType } from 'zod';
import { ApiError } from '../../realtime/api';

/**
 * Small form kit for the staff pages: labelled fields whose errors are linked with
 * aria-describedby, a form-level alert carrying the server's own message, and a
 * submit helper that keeps what was typed when the server says no.
 */

/** Why a submit failed: the message shown above the button, and per-field messages. */
export interface FormFailure {
  message: string;
  fields: Record<string, string>;
  /** The server's error code (`double_booked`, `bad_request` …), when it sent one. */
  code?: string;
}

/** A ZodError's or the server's `issues` keyed by the first path segment (`coTherapistIds.0` → `coTherapistIds`). */
function fieldsFrom(issues: readonly { path: string | readonly (string | number)[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = typeof issue.path === 'string' ? issue.path.split('.') : issue.path.map(String);
    const key = path[0] && path[0] !== '(root)' ? path[0] : '';
    if (key && !(key in fields)) fields[key] = issue.message;
  }
  return fields;
}

/** Turns whatever a submit threw into what the form shows. */
export function failureFrom(error: unknown): FormFailure {
  if (error instanceof ApiError) return { message: error.message, fields: fieldsFrom(error.issues ?? []), code: error.code };
  return { message: 'Something went wrong. Your entries are still here; please try again.', fields: {} };
}

/** Checks a body with the protocol's schema before sending; the failure names the fields. */
export function checkBody<T>(schema: ZodType<T>, body: unknown): { ok: true; body: T } | { ok: false; failure: FormFailure } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, body: parsed.data };
  const fields = fieldsFrom(parsed.error.issues);
  return { ok: false, failure: { message: 'Please correct the fields marked below.', fields } };
}

/** Runs a submit, tracking pending state and failure; resolves to the result or undefined on failure. */
export function useSubmit() {
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<FormFailure | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setFailure(null);
    try {
      return await action();
    } catch (error) {
      setFailure(failureFrom(error));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { pending, failure, setFailure, run };
}

/** What a control inside `<Field>` spreads onto itself. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

export interface FieldProps {
  label: ReactNode;
  /** Shown under the label; linked to the control. */
  hint?: ReactNode;
  error?: string;
  /** Test id of the error text. */
  errorTestId?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** A label, an optional hint, the control, and its error, all tied together by ids. */
export function Field({ label, hint, error, errorTestId, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={errorId} data-testid={errorTestId}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The form-level error: the server's message, announced. */
export function FormAlert({ failure, testId }: { failure: FormFailure | null; testId: string }) {
  if (!failure) return null;
  return (
    <p className="notice notice--error" role="alert" data-testid={testId}>
      {failure.message}
    </p>
  );
}

/** A submit button that shows it is working. */
export function SubmitButton({ pending, children, testId }: { pending: boolean; children: ReactNode; testId: string }) {
  return (
    <button type="submit" className="button button--primary" disabled={pending} aria-disabled={pending} data-testid={testId}>
      {pending && <span className="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
