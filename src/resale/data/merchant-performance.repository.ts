import { Injectable } from '@nestjs/common';
import { Organisation } from '../../accounts/organisation.entity.js';
import { DataRepository } from '../../core/data/repository.js';

/** A merchant's sale orders summed up over a period. */
export interface SalesTotals {
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

/** How a merchant sells, summed from its sale orders and listings. */
@Injectable()
export class MerchantPerformanceRepository extends DataRepository {
  findOrganisation(id: string): Promise<Organisation | null> {
    return this.dataSource.getRepository(Organisation).findOne({ where: { id } });
  }

  /** The merchant's orders created since `since` (all of them without), summed up. */
  async salesTotals(merchantId: string, since: Date | null): Promise<SalesTotals> {
    const [t] = await this.dataSource.query<SalesTotals[]>(
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
    return t;
  }

  /** The merchant's live and sold listings. */
  async listingCounts(merchantId: string): Promise<{ published: number; sold: number }> {
    const [listings] = await this.dataSource.query<Array<{ published: number; sold: number }>>(
      `SELECT count(*) FILTER (WHERE state IN ('PUBLISHED', 'RESERVED'))::int AS published,
              count(*) FILTER (WHERE state = 'SOLD')::int AS sold
         FROM listings WHERE merchant_id = $1`,
      [merchantId],
    );
    return listings;
  }
}
