import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { ItemAccess } from '../../core/items/item.machine.js';
import { Vehicle } from '../data/vehicle.entities.js';

/**
 * A car (one row per VIN) is seen by whoever sees an item carrying its VIN — its owner, or whoever
 * holds it now (issue 18): a related-row rule on `items.vin`. Admin, support and the system see
 * every car. Acting as the car's owner (registration, the owner's reading, consent) is narrower
 * and checked where the action is.
 */
export const VehicleAccess = defineAccessPolicy<Vehicle>({
  name: 'Vehicle',
  entity: Vehicle,
  rules: { any: [{ follows: { policy: ItemAccess, by: 'vin', to: 'vin' } }] },
});
