import { Injectable } from '@nestjs/common';
import { NotFound } from '../core/errors.js';
import { MerchantPerformanceRepository } from './data/merchant-performance.repository.js';

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const hours = (s: number | null) => (s === null ? null : Math.round((s / 3600) * 100) / 100);

/** How a merchant sells: sales, return rate, grade-mismatch rate, time to ship. */
@Injectable()
export class PerformanceService {
  constructor(private readonly performance: MerchantPerformanceRepository) {}

  async forMerchant(merchantId: string, days?: number) {
    const merchant = await this.performance.findOrganisation(merchantId);
    if (!merchant || merchant.kind !== 'merchant') throw new NotFound('Merchant', merchantId);
    const since = days ? new Date(Date.now() - days * 86_400_000) : null;
    const t = await this.performance.salesTotals(merchantId, since);
    const listings = await this.performance.listingCounts(merchantId);
    return {
      merchant: { id: merchant.id, name: merchant.name },
      period: { days: days ?? null, since: since?.toISOString() ?? null },
      listings: { live: listings.published, sold: listings.sold },
      sales: {
        orders: t.orders,
        paid: t.paid,
        delivered: t.delivered,
        revenue: { amountMinor: Number(t.sales_minor ?? 0), currency: 'CNY' },
        refunded: { amountMinor: Number(t.refunds_minor ?? 0), currency: 'CNY' },
      },
      returns: {
        requested: t.returns_requested,
        inspected: t.returns_inspected,
        /** Returns asked for per delivered order. */
        rate: ratio(t.returns_requested, t.delivered),
      },
      gradeMismatch: {
        count: t.mismatches,
        /** Re-inspected returns whose grade differs from the grade sold. */
        rate: ratio(t.mismatches, t.returns_inspected),
      },
      timeToShip: {
        shipped: t.shipped,
        averageHours: hours(t.ship_avg_s),
        medianHours: hours(t.ship_p50_s),
        p90Hours: hours(t.ship_p90_s),
      },
    };
  }
}
