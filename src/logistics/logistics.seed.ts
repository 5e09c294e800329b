import type { SeedStep } from '../seed/seed-context.js';
import { DEMO_CITY } from '../service-areas/engine/demo-areas.js';
import { DispatchService } from './dispatch.service.js';

/**
 * Dispatch profiles for the demo couriers (the engine's DEMO_COURIERS are not users; the
 * accounts step makes two courier users, who share Shanghai so dispatch has a choice).
 */
const COURIERS = [
  { key: 'courier', capacityPerWindow: 6, areaCodes: [DEMO_CITY.shanghai, DEMO_CITY.suzhou] },
  { key: 'courier-2', capacityPerWindow: 5, areaCodes: [DEMO_CITY.shanghai, DEMO_CITY.beijing] },
];

export const logisticsSeed: SeedStep = {
  name: 'courier areas',
  async run(ctx) {
    const dispatch = ctx.app.get(DispatchService);
    for (const c of COURIERS) {
      const user = ctx.users[c.key];
      if (!user) continue;
      await dispatch.saveCourier(user.id, {
        capacityPerWindow: c.capacityPerWindow,
        areaCodes: c.areaCodes,
      });
    }
  },
};
