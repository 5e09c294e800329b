export type Role =
  'customer' | 'courier' | 'warehouse' | 'technician' | 'merchant' | 'support' | 'admin';

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisationId: string | null;
  phone: string | null;
}

/** Every stateful resource, when read (spec §3). */
export interface Stateful {
  id: string;
  state: string;
  version: number;
  allowedActions: string[];
}

export interface Money {
  amountMinor: number;
  currency: string;
}

export function formatMoney(m: Money | null | undefined): string {
  if (!m) return '—';
  return new Intl.NumberFormat('en', { style: 'currency', currency: m.currency }).format(
    m.amountMinor / 100,
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
