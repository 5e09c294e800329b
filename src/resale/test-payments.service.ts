import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { InboundWebhooksService } from '../notifications/webhooks/inbound.service.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../money/providers/payment-provider.js';
import { TestPaymentProvider } from '../money/providers/test-provider.js';
import { SaleOrdersService } from './sale-orders.service.js';

/**
 * Test mode only: completes a buyer's payment as the built-in test provider's servers would, so
 * the console and demos can finish a purchase without a real provider. The confirmation is
 * signed with the provider's webhook secret and goes through the same inbound-webhook path
 * (signature check, de-duplication, resale's handler) as one arriving over HTTP: nothing is
 * bypassed. Refused in production and whenever another provider is active.
 */
@Injectable()
export class TestPaymentsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PAYMENT_PROVIDER) private readonly active: PaymentProvider,
    private readonly testProvider: TestPaymentProvider,
    private readonly inbound: InboundWebhooksService,
    private readonly orders: SaleOrdersService,
  ) {}

  /** Why test payments are refused here, or null when they are available. */
  refusal(): string | null {
    if (this.config.env === 'production') {
      return 'Test payments are never available in production';
    }
    if (this.active !== this.testProvider) {
      return `The active payment provider is ${this.active.name}, not the built-in test provider`;
    }
    return null;
  }

  /** Creates (or reuses) the order's intent, then has the test provider confirm it. */
  async complete(actor: Actor, saleOrderId: string) {
    const refusal = this.refusal();
    if (refusal) throw new ForbiddenException(refusal);
    // pay() checks that this is the buyer's own unpaid order (404 / 409 otherwise).
    const intent = await this.orders.pay(actor, saleOrderId);
    const signed = await this.testProvider.signedConfirmation({
      intentId: intent.intentId,
      amountMinor: intent.amountMinor,
      currency: intent.currency,
    });
    const receipt = await this.inbound.receive(
      this.testProvider.name,
      Buffer.from(signed.body, 'utf8'),
      signed.signature,
    );
    const order = await this.orders.get(actor, saleOrderId);
    return { ...this.orders.view(actor, order), testPayment: { eventId: receipt.eventId } };
  }
}
