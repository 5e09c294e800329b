import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { stateLabel } from '../i18n/labels.js';
import { ErrorNotice } from './feedback.js';
import { useAction } from './hooks.js';

export interface ActionSpec {
  label: string;
  /**
   * A plain action: runs on click. `idempotencyKey` is the same for every retry of this action
   * on this version of the resource: pass it on (`api.post(…, { key })`) so a retry after a lost
   * answer replays the first one.
   */
  run?: (idempotencyKey: string) => Promise<unknown>;
  /** An action that needs input: the button opens this form; call done() when it succeeded. */
  form?: (done: () => void, cancel: () => void) => ReactNode;
  danger?: boolean;
  /** Irreversible: asked first, with this sentence saying what happens. */
  confirm?: string;
}

/**
 * The buttons for a stateful resource: only the actions the API lists in allowedActions are
 * shown, so the console never offers what the server would refuse.
 */
export function ActionBar({
  resource,
  actions,
  onDone,
}: {
  /** Every stateful resource the API reads has these (spec §3). */
  resource: { id: string; version: number; allowedActions: string[] };
  actions: Record<string, ActionSpec>;
  onDone: () => void;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const action = useAction(async (name: string) => {
    await actions[name].run?.(`${name}:${resource.id}:v${resource.version}`);
    onDone();
  });
  const available = resource.allowedActions.filter((a) => actions[a]);
  if (available.length === 0) return null;
  const openForm = open ? actions[open]?.form : undefined;
  const question = asking ? actions[asking] : undefined;
  return (
    <div className="actions">
      <div className="buttons">
        {available.map((name) => {
          const spec = actions[name];
          return (
            <button
              key={name}
              type="button"
              className={spec.danger ? 'danger' : open === name ? 'active' : 'primary'}
              disabled={action.busy}
              aria-busy={action.busy}
              aria-expanded={spec.form ? open === name : undefined}
              onClick={() => {
                if (spec.form) setOpen(open === name ? null : name);
                else if (spec.confirm) setAsking(name);
                else void action.run(name);
              }}
            >
              {spec.label}
            </button>
          );
        })}
      </div>
      {question && asking && (
        <Confirm
          question={question.label}
          consequence={question.confirm ?? ''}
          busy={action.busy}
          onYes={() => {
            const name = asking;
            setAsking(null);
            void action.run(name);
          }}
          onNo={() => setAsking(null)}
        />
      )}
      <ErrorNotice error={action.error} onRetry={onDone} />
      {openForm &&
        openForm(
          () => {
            setOpen(null);
            onDone();
          },
          () => setOpen(null),
        )}
    </div>
  );
}

/**
 * "Are you sure?" before something that cannot be undone: what will happen, and two plain
 * answers. `submit` makes the yes-button (also) submit the surrounding form.
 */
export function Confirm({
  question,
  consequence,
  busy = false,
  onYes,
  onNo,
  submit = false,
}: {
  question: string;
  consequence: string;
  busy?: boolean;
  onYes?: () => void;
  onNo: () => void;
  submit?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-labelledby={`${id}-q`}
      aria-describedby={`${id}-c`}
    >
      <p id={`${id}-q`}>
        <strong>
          {question} — {t('confirm.title')}
        </strong>
      </p>
      <p id={`${id}-c`}>
        {consequence} {t('confirm.irreversible')}
      </p>
      <div className="buttons">
        <button
          type={submit ? 'submit' : 'button'}
          className="danger"
          disabled={busy}
          autoFocus
          onClick={onYes}
        >
          {t('common.confirm')}
        </button>
        <button type="button" onClick={onNo}>
          {t('common.keep')}
        </button>
      </div>
    </div>
  );
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{stateLabel(state)}</span>;
}
