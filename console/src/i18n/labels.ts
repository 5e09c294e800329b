import { i18n } from './index.js';

type Group = 'states' | 'actions' | 'roles' | 'grades' | 'severities' | 'erasureStatus';

/** A value the API sends as a code (a state, a role…) in the user's words, else as it came. */
function label(group: Group, value: string | null | undefined, fallback?: string): string {
  if (value === null || value === undefined || value === '') return '—';
  return i18n.t(`${group}.${value}`, { defaultValue: fallback ?? value });
}

export const stateLabel = (s: string) => label('states', s, s.replace(/_/g, ' '));
export const actionLabel = (a: string) => label('actions', a, a.replace(/-/g, ' '));
export const roleLabel = (r: string) => label('roles', r);
export const gradeLabel = (g: string | null | undefined) => label('grades', g);
export const severityLabel = (s: string) => label('severities', s);
export const erasureLabel = (s: string) => label('erasureStatus', s, s.replace(/_/g, ' '));

/** A state machine (or the kind of record it drives) by name: `TradeInItem` → 回收物品. */
export const machineLabel = (m: string) => i18n.t(`support.entities.${m}`, { defaultValue: m });

/** What happens when a state's limit passes: a named action, or a support case. */
export const followUpLabel = (f: string) =>
  f === 'escalate' ? i18n.t('machines.escalate') : actionLabel(f);

/**
 * Why a state has its limit, in the user's words; the server's English sentence for a state
 * the catalogue does not know yet.
 */
export const whyLabel = (machine: string, state: string, fallback: string) =>
  i18n.t(`machines.why.${machine}.${state}`, { defaultValue: fallback });
