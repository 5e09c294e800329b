import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Organisation } from '../accounts/organisation.entity.js';
import { NotFound } from '../core/errors.js';

interface Totals {
  orders: number;
  paid: number;
  delivered: number;
  returns_requested: number;
  returns_inspected: number;
  mismatches: number;
  sales_minor: string | null;
  refunds_minor: string | null;
  ship_avg_s: number | null;
  ship_p50_s: number | null;
  ship_p90_s: number | null;
  shipped: number;
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const hours = (s: number | null) => (s === null ? null : Math.round((s / 3600) * 100) / 100);

/** How a merchant sells: sales, return rate, grade-mismatch rate, time to ship. */
@Injectable()
export class PerformanceService {
  constructor(private readonly dataSource: DataSource) {}

  async forMerchant(merchantId: string, days?: number) {
    const merchant = await this.dataSource
      .getRepository(Organisation)
      .findOne({ where: { id: merchantId } });
    if (!merchant || merchant.kind !== 'merchant') throw new NotFound('Merchant', merchantId);
    const since = days ? new Date(Date.now() - days * 86_400_000) : null;
    const [t] = await this.dataSource.query<Totals[]>(
      `SELECT count(*)::int AS orders,
         count(*) FILTER (WHERE paid_at IS NOT NULL)::int AS paid,
         count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered,
         count(*) FILTER (WHERE return_requested_at IS NOT NULL)::int AS returns_requested,
         count(*) FILTER (WHERE return_grade IS NOT NULL)::int AS returns_inspected,
         count(*) FILTER (WHERE grade_mismatch)::int AS mismatches,
         sum(price_minor) FILTER (WHERE paid_at IS NOT NULL) AS sales_minor,
         sum(refund_minor) AS refunds_minor,
         count(*) FILTER (WHERE shipped_at IS NOT NULL)::int AS shipped,
         avg(extract(epoch FROM shipped_at - paid_at))::float8 AS ship_avg_s,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM shipped_at - paid_at))
           ::float8 AS ship_p50_s,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM shipped_at - paid_at))
           ::float8 AS ship_p90_s
       FROM sale_orders WHERE merchant_id = $1 AND ($2::timestamptz IS NULL OR created_at >= $2)`,
      [merchantId, since],
    );
    const [listings] = await this.dataSource.query<Array<{ published: number; sold: number }>>(
      `SELECT count(*) FILTER (WHERE state IN ('PUBLISHED', 'RESERVED'))::int AS published,
              count(*) FILTER (WHERE state = 'SOLD')::int AS sold
         FROM listings WHERE merchant_id = $1`,
      [merchantId],
    );
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
