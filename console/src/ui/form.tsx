import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';
import { i18n } from '../i18n/index.js';
import { fieldMessage } from '../i18n/errors.js';
import { asApiError } from './hooks.js';
import { Confirm } from './actions.js';
import { ErrorNotice } from './feedback.js';

export type Values = Record<string, string>;

/** A 400 made in the browser, shaped like the API's, so that one notice shows both. */
export function localInvalid(fields: Array<{ field: string; errors: string[] }>): ApiError {
  return new ApiError({
    statusCode: 400,
    error: 'Bad Request',
    code: 'invalid_input',
    message: `Invalid input: ${fields.map((f) => f.field).join(', ')}`,
    fields,
  });
}

/** The option a select chose, as the API's enum; undefined when it is none of them ('' = all). */
export function oneOf<T extends string>(options: readonly T[], value: string): T | undefined {
  return options.find((o) => o === value);
}

/** A required select's value as the API's enum; a 400 on the field when nothing was chosen. */
export function chosen<T extends string>(field: string, options: readonly T[], value: string): T {
  const found = oneOf(options, value);
  if (found === undefined) {
    throw localInvalid([{ field, errors: [i18n.t('errors.field.required')] }]);
  }
  return found;
}

/**
 * Form state that survives a rejected submit: values stay as typed, field errors from the API's
 * `fields[]` are shown next to their inputs, the rest of the error above the buttons. Nothing is
 * marked wrong before the user has left a field or pressed submit.
 *
 * One submit is one user action: it carries one Idempotency-Key (the second argument of the
 * submit handler), kept while the values stay the same, so pressing the button again after a
 * lost answer replays the first request instead of doing it twice. A success or any change to
 * the values starts a new action.
 */
export function useForm<V extends Values>(initial: V) {
  const [values, setValues] = useState<V>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const key = useRef<string | null>(null);
  /** Inputs that must not be left empty, and each API field's label (filled by <Field>). */
  const required = useRef(new Set<string>()).current;
  const labels = useRef<Record<string, string>>({}).current;
  const fieldErrors = error?.fieldErrors() ?? {};
  const set = (name: keyof V, value: string) => {
    key.current = null;
    setValues((v) => ({ ...v, [name]: value }));
  };
  const touch = (name: string) => setTouched((t) => (t.has(name) ? t : new Set([...t, name])));

  /** Wraps a submit handler; resolves to its result, or undefined if the API refused it. */
  const submit =
    <R,>(run: (values: V, idempotencyKey: string) => Promise<R>, after?: (result: R) => void) =>
    (e?: FormEvent) => {
      e?.preventDefault();
      if (busy) return;
      setSubmitted(true);
      const missing = [...required].filter((n) => !values[n]?.trim());
      if (missing.length) {
        setError(
          localInvalid(
            missing.map((field) => ({ field, errors: [i18n.t('errors.field.required')] })),
          ),
        );
        return;
      }
      key.current ??= crypto.randomUUID();
      setBusy(true);
      setError(null);
      run(values, key.current)
        .then((result) => {
          key.current = null;
          setSubmitted(false);
          setTouched(new Set());
          after?.(result);
        })
        .catch((err: unknown) => setError(asApiError(err)))
        .finally(() => setBusy(false));
    };
  return {
    values,
    set,
    setValues: (v: V) => {
      key.current = null;
      setValues(v);
    },
    reset: () => {
      key.current = null;
      setValues(initial);
      setTouched(new Set());
      setSubmitted(false);
    },
    busy,
    error,
    setError,
    fieldErrors,
    touched,
    touch,
    submitted,
    required,
    labels,
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
  const { t } = useTranslation();
  const id = useId();
  const apiFields = p.apiFields ?? [p.name];
  for (const f of [p.name, ...apiFields]) p.form.labels[f] = p.label;
  if (p.required) p.form.required.add(p.name);
  else p.form.required.delete(p.name);
  // Errors wait until the user has left the field or pressed submit.
  const shown = p.form.submitted || p.form.touched.has(p.name);
  const empty = p.required && !p.form.values[p.name]?.trim();
  const apiErrors = apiFields.flatMap((f) => p.form.fieldErrors[f] ?? []).map(fieldMessage);
  const errors = shown
    ? apiErrors.length
      ? apiErrors
      : empty
        ? [t('errors.field.required')]
        : []
    : [];
  const invalid = errors.length > 0;
  const common = {
    id,
    name: p.name,
    value: p.form.values[p.name],
    required: p.required,
    'aria-required': p.required || undefined,
    'aria-invalid': invalid || undefined,
    'aria-describedby': invalid ? `${id}-err` : p.hint ? `${id}-hint` : undefined,
    disabled: p.form.busy,
    onBlur: () => p.form.touch(p.name),
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
          {errors.join(t('list.separator'))}
        </small>
      )}
    </div>
  );
}

/** The form's error (if any) and its submit button (asking first when `confirm` is given). */
export function FormFooter<V extends Values>({
  form,
  label,
  busyLabel,
  extra,
  confirm,
}: {
  form: FormState<V>;
  label: string;
  busyLabel?: string;
  extra?: ReactNode;
  confirm?: string;
}) {
  return (
    <>
      <ErrorNotice error={form.error} fieldLabels={form.labels} />
      <SubmitWithConfirm
        busy={form.busy}
        label={label}
        busyLabel={busyLabel}
        confirm={confirm}
        extra={extra}
      />
    </>
  );
}

/**
 * A form's submit button. With `confirm` (an irreversible step) it first asks, saying what will
 * happen; the answer "yes" submits the form.
 */
export function SubmitWithConfirm({
  busy,
  label,
  busyLabel,
  confirm,
  extra,
}: {
  busy: boolean;
  label: string;
  busyLabel?: string;
  confirm?: string;
  extra?: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  // Asked once per submit: the question goes away when the submit starts (not on the click,
  // which would remove the submit button before the browser submits the form).
  useEffect(() => {
    if (busy) setAsking(false);
  }, [busy]);
  if (asking) {
    return (
      <Confirm question={label} consequence={confirm ?? ''} submit onNo={() => setAsking(false)} />
    );
  }
  return (
    <div className="buttons">
      {confirm ? (
        <button
          type="button"
          className="primary"
          disabled={busy}
          aria-busy={busy}
          onClick={() => setAsking(true)}
        >
          {busy ? (
            <>
              <span className="spinner" aria-hidden="true" /> {busyLabel ?? label}…
            </>
          ) : (
            label
          )}
        </button>
      ) : (
        <SubmitButton busy={busy} label={label} busyLabel={busyLabel} />
      )}
      {extra}
    </div>
  );
}

export function SubmitButton({
  busy,
  label,
  busyLabel,
}: {
  busy: boolean;
  label: string;
  busyLabel?: string;
}) {
  const { t } = useTranslation();
  return (
    <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
      {busy ? (
        <>
          <span className="spinner" aria-hidden="true" /> {busyLabel ?? t('common.working')}…
        </>
      ) : (
        label
      )}
    </button>
  );
}

/** A Cancel button for the forms an action opens. */
export function CancelButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" onClick={onClick}>
      {t('common.cancel')}
    </button>
  );
}
