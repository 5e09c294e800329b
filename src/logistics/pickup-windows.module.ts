import { Global, Module } from '@nestjs/common';
import { PICKUP_WINDOWS } from '../core/read-models/pickup-windows.js';
import { ServiceAreasModule } from '../service-areas/service-areas.module.js';
import { PickupWindowsController } from './api/pickup-windows.controller.js';
import { LogisticsClock } from './clock.js';
import { PickupBookings } from './data/pickup-bookings.js';
import { PickupWindows } from './pickup-windows.js';

/**
 * Publishes the free windows (the route) and the check at acceptance (PICKUP_WINDOWS, a port in
 * core that acquisition injects). Global, so acquisition imports neither it nor logistics;
 * LogisticsModule imports it once.
 */
@Global()
@Module({
  imports: [ServiceAreasModule],
  controllers: [PickupWindowsController],
  providers: [
    PickupWindows,
    PickupBookings,
    LogisticsClock,
    { provide: PICKUP_WINDOWS, useExisting: PickupWindows },
  ],
  exports: [PICKUP_WINDOWS],
})
export class PickupWindowsModule {}
