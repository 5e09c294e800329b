/** The roles of spec §2. `system` is the platform itself acting from a background job. */
export const USER_ROLES = [
  'customer',
  'courier',
  'warehouse',
  'technician',
  'merchant',
  'support',
  'admin',
] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type ActorRole = UserRole | 'system';
export const STAFF_ROLES: readonly UserRole[] = ['courier', 'warehouse', 'technician', 'merchant'];

/** Who is acting: taken from the access token, or the platform itself in a worker. */
export interface Actor {
  role: ActorRole;
  /** The user's id; null for the system actor. */
  userId: string | null;
  /** The organisation a staff user belongs to (warehouse, store, partner, merchant). */
  organisationId: string | null;
}

export const SYSTEM_ACTOR: Actor = Object.freeze({
  role: 'system',
  userId: null,
  organisationId: null,
});

/** Roles that may read every object (spec §2: support reads everything, admin does everything). */
export function seesEverything(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'support' || actor.role === 'system';
}
