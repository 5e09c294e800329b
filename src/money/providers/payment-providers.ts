import { Injectable } from '@nestjs/common';
import type { PaymentProvider } from './payment-provider.js';

/**
 * The providers this process can talk to: the active one (PAYMENT_PROVIDER) takes payments and
 * pays out; a refund goes back through the provider the payment came through.
 */
@Injectable()
export class PaymentProviders {
  private readonly byName: Map<string, PaymentProvider>;

  constructor(
    readonly active: PaymentProvider,
    others: PaymentProvider[] = [],
  ) {
    this.byName = new Map([active, ...others].map((p) => [p.name, p]));
  }

  get(name: string): PaymentProvider {
    const p = this.byName.get(name);
    if (!p) throw new Error(`payment provider ${name} is not configured in this process`);
    return p;
  }

  all(): PaymentProvider[] {
    return [...this.byName.values()];
  }
}
