import { useState } from 'react';
import type { ReactNode } from 'react';
import type { Stateful } from '../api/types.js';
import { ErrorNotice } from './feedback.js';
import { useAction } from './hooks.js';

export interface ActionSpec {
  label: string;
  /** A plain action: runs on click. */
  run?: () => Promise<unknown>;
  /** An action that needs input: the button opens this form; call done() when it succeeded. */
  form?: (done: () => void, cancel: () => void) => ReactNode;
  danger?: boolean;
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
  resource: Stateful;
  actions: Record<string, ActionSpec>;
  onDone: () => void;
}) {
  const [open, setOpen] = useState<string | null>(null);
  const action = useAction(async (name: string) => {
    await actions[name].run?.();
    onDone();
  });
  const available = resource.allowedActions.filter((a) => actions[a]);
  if (available.length === 0) return null;
  const openForm = open ? actions[open]?.form : undefined;
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
                else void action.run(name);
              }}
            >
              {spec.label}
            </button>
          );
        })}
      </div>
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

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{state.replace(/_/g, ' ')}</span>;
}
