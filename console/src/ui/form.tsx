import { useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { asApiError } from './hooks.js';
import { ErrorNotice } from './feedback.js';

export type Values = Record<string, string>;

/**
 * Form state that survives a rejected submit: values stay as typed, field errors from the API's
 * `fields[]` are shown next to their inputs, the rest of the error above the buttons.
 */
export function useForm<V extends Values>(initial: V) {
  const [values, setValues] = useState<V>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fieldErrors = error?.fieldErrors() ?? {};
  const set = (name: keyof V, value: string) => setValues((v) => ({ ...v, [name]: value }));

  /** Wraps a submit handler; resolves to its result, or undefined if the API refused it. */
  const submit =
    <R,>(run: (values: V) => Promise<R>, after?: (result: R) => void) =>
    (e?: FormEvent) => {
      e?.preventDefault();
      if (busy) return;
      setBusy(true);
      setError(null);
      run(values)
        .then((result) => after?.(result))
        .catch((err: unknown) => setError(asApiError(err)))
        .finally(() => setBusy(false));
    };
  return {
    values,
    set,
    setValues,
    reset: () => setValues(initial),
    busy,
    error,
    setError,
    fieldErrors,
    submit,
  };
}

export type FormState<V extends Values> = ReturnType<typeof useForm<V>>;

interface FieldProps<V extends Values> {
  form: FormState<V>;
  name: keyof V & string;
  label: string;
  type?: string;
  /** API field names whose errors belong to this input (defaults to `name`). */
  apiFields?: string[];
  options?: Array<{ value: string; label: string }>;
  hint?: ReactNode;
  required?: boolean;
  autoFocus?: boolean;
  multiline?: boolean;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email';
  placeholder?: string;
  autoComplete?: string;
}

export function Field<V extends Values>(p: FieldProps<V>) {
  const id = useId();
  const errors = (p.apiFields ?? [p.name]).flatMap((f) => p.form.fieldErrors[f] ?? []);
  const invalid = errors.length > 0;
  const common = {
    id,
    name: p.name,
    value: p.form.values[p.name],
    required: p.required,
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? `${id}-err` : p.hint ? `${id}-hint` : undefined,
    disabled: p.form.busy,
  };
  let input: ReactNode;
  if (p.options) {
    input = (
      <select {...common} onChange={(e) => p.form.set(p.name, e.target.value)}>
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (p.multiline) {
    input = (
      <textarea
        {...common}
        rows={4}
        placeholder={p.placeholder}
        onChange={(e) => p.form.set(p.name, e.target.value)}
      />
    );
  } else {
    input = (
      <input
        {...common}
        type={p.type ?? 'text'}
        autoFocus={p.autoFocus}
        inputMode={p.inputMode}
        placeholder={p.placeholder}
        autoComplete={p.autoComplete}
        onChange={(e) => p.form.set(p.name, e.target.value)}
      />
    );
  }
  return (
    <div className={`field ${invalid ? 'invalid' : ''}`}>
      <label htmlFor={id}>{p.label}</label>
      {input}
      {p.hint && !invalid && (
        <small id={`${id}-hint`} className="hint">
          {p.hint}
        </small>
      )}
      {invalid && (
        <small id={`${id}-err`} className="field-error">
          {errors.join('; ')}
        </small>
      )}
    </div>
  );
}

/** The form's error (if any) and its submit button, which shows progress while busy. */
export function FormFooter<V extends Values>({
  form,
  label,
  busyLabel = 'Working',
  extra,
}: {
  form: FormState<V>;
  label: string;
  busyLabel?: string;
  extra?: ReactNode;
}) {
  return (
    <>
      <ErrorNotice error={form.error} />
      <div className="buttons">
        <SubmitButton busy={form.busy} label={label} busyLabel={busyLabel} />
        {extra}
      </div>
    </>
  );
}

export function SubmitButton({
  busy,
  label,
  busyLabel = 'Working',
}: {
  busy: boolean;
  label: string;
  busyLabel?: string;
}) {
  return (
    <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
      {busy ? (
        <>
          <span className="spinner" aria-hidden="true" /> {busyLabel}…
        </>
      ) : (
        label
      )}
    </button>
  );
}
