import { type Actor, seesEverything } from '../core/actor.js';

/** Warehouse staff act in their own warehouse only; admin, support and the system see all. */
export function inWarehouse(actor: Actor, warehouseId: string): boolean {
  return (
    seesEverything(actor) || (actor.role === 'warehouse' && actor.organisationId === warehouseId)
  );
}
