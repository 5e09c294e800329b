import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import type { CertificateRef } from '../../core/read-models/erasure-certificates.js';
import { ReadDatabase } from '../../database/read-database.js';
import type { GradeLabels } from '../domain/grade-labels.js';
import { marketSql, type MarketFilter } from '../domain/market-query.js';
import type { InspectionSummary } from './resale.entities.js';

/** A listing as the public market shows it. */
export interface MarketRow {
  id: string;
  state: string;
  merchant_id: string;
  item_id: string;
  category_id: string | null;
  category_ids: string[];
  product_model_id: string | null;
  title: string;
  description: string;
  price_minor: string;
  currency: string;
  grade: string;
  grade_labels: GradeLabels;
  inspection: InspectionSummary | null;
  certificates: CertificateRef[];
  erasure_status: string;
  warranty_months: number;
  return_window_days: number;
  published_at: Date;
}

/** The merchant's name and the item's trace code of a listing on the market. */
export interface MarketLabels {
  id: string;
  merchant_name: string;
  trace_code: string;
}

const COLUMNS = `l.id, l.state, l.merchant_id, l.item_id, l.category_id, l.category_ids,
  l.product_model_id, l.title, l.description, l.price_minor, l.currency, l.grade, l.grade_labels,
  l.inspection, l.certificates, l.erasure_status, l.warranty_months, l.return_window_days,
  l.published_at`;

/**
 * The public market's reads: shoppers read the replica, a signed-in caller the primary. Each
 * answer names the database it was read from (`db`), so that the rest of the page is read from
 * the same one.
 */
@Injectable()
export class MarketRepository extends DataRepository {
  constructor(
    dataSource: DataSource,
    private readonly reads: ReadDatabase,
  ) {
    super(dataSource);
  }

  /** The listings the filter finds (one more than its limit, to tell a next page). */
  async search(
    f: MarketFilter,
    caller: Actor | null,
  ): Promise<{ db: DataSource; rows: MarketRow[] }> {
    const sql = marketSql(f, COLUMNS);
    const db = this.reads.forCaller(caller);
    return { db, rows: await db.query<MarketRow[]>(sql.text, sql.params) };
  }

  /** A listing's public page: published or reserved (and not erasure-blocked), or sold. */
  publicListing(id: string, caller: Actor | null) {
    return this.reads.orPrimary(this.reads.forCaller(caller), async (db) => {
      const [row] = await db.query<MarketRow[]>(
        `SELECT ${COLUMNS} FROM listings l
          WHERE l.id = $1 AND (l.state = 'SOLD' OR (l.state IN ('PUBLISHED', 'RESERVED')
            AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = l.item_id
                             AND i.erasure_status IN ('pending', 'destroyed'))))`,
        [id],
      );
      return row;
    });
  }

  /** Merchant names and trace codes of these listings, from the same database. */
  labels(db: DataSource, listingIds: string[]): Promise<MarketLabels[]> {
    return db.query<MarketLabels[]>(
      `SELECT l.id, o.name AS merchant_name, i.trace_code
         FROM listings l JOIN organisations o ON o.id = l.merchant_id JOIN items i ON i.id = l.item_id
        WHERE l.id = ANY($1::uuid[])`,
      [listingIds],
    );
  }
}
