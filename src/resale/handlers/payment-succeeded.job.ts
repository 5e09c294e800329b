import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { InboundEvent } from '../../notifications/webhooks/inbound-handlers.registry.js';
import { SaleOrderEventsService } from '../sale-order-events.service.js';

/**
 * Inbound webhook PAYMENT_SUCCEEDED (any payment provider): a sale order was paid. Runs in the
 * transaction that stores the inbound event, so a resend is never applied twice.
 */
@Injectable()
export class PaymentSucceededJob {
  constructor(private readonly orderEvents: SaleOrderEventsService) {}

  run(m: EntityManager, event: InboundEvent): Promise<void> {
    return this.orderEvents.onPaymentConfirmed(m, event);
  }
}
