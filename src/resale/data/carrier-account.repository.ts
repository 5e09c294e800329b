import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { execute } from '../../core/sql.js';

/** A carrier account as stored (`carrier_accounts`, no entity). */
export interface AccountRow {
  id: string;
  carrier: string;
  name: string;
  secret: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** Carrier accounts and the tracking events their webhooks deliver. */
@Injectable()
export class CarrierAccountRepository extends DataRepository {
  async create(carrier: string, name: string, secret: string, createdBy: string | null) {
    const [row] = await this.dataSource.query<AccountRow[]>(
      `INSERT INTO carrier_accounts (carrier, name, secret, created_by) VALUES ($1, $2, $3, $4)
       RETURNING *`,
      [carrier, name, secret, createdBy],
    );
    return row;
  }

  /** Up to `limit` accounts, newest first, after the cursor's. */
  after(cursor: { at: string; id: string } | null, limit: number): Promise<AccountRow[]> {
    return this.dataSource.query<AccountRow[]>(
      `SELECT * FROM carrier_accounts
        WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [cursor?.at ?? null, cursor?.id ?? null, limit],
    );
  }

  async rotateSecret(id: string, secret: string): Promise<AccountRow | undefined> {
    // An UPDATE answers [rows, count] through TypeORM: `execute` reads the rows.
    const {
      rows: [row],
    } = await execute<AccountRow>(
      this.dataSource.manager,
      `UPDATE carrier_accounts SET secret = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, secret],
    );
    return row;
  }

  async findAccount(id: string): Promise<AccountRow | undefined> {
    const [account] = await this.dataSource.query<AccountRow[]>(
      'SELECT * FROM carrier_accounts WHERE id = $1',
      [id],
    );
    return account;
  }

  /** The carrier of an account and whether it is active (a merchant ships through it). */
  async carrierOf(id: string): Promise<{ carrier: string; active: boolean } | undefined> {
    const [account] = await this.dataSource.query<Array<{ carrier: string; active: boolean }>>(
      'SELECT carrier, active FROM carrier_accounts WHERE id = $1',
      [id],
    );
    return account;
  }

  /** Stores a tracking event once per account and event id; false for a repeat. */
  async recordEvent(
    manager: EntityManager,
    accountId: string,
    event: { id: string; type: string; trackingNumber: string },
    payload: string,
  ): Promise<boolean> {
    const inserted = await manager.query<Array<{ id: string }>>(
      `INSERT INTO carrier_tracking_events
         (carrier_account_id, event_id, type, tracking_number, payload)
       VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (carrier_account_id, event_id) DO NOTHING RETURNING id`,
      [accountId, event.id, event.type, event.trackingNumber, payload],
    );
    return inserted.length > 0;
  }

  /** Names the order a stored tracking event was about. */
  async linkEventToOrder(
    manager: EntityManager,
    orderId: string,
    accountId: string,
    eventId: string,
  ): Promise<void> {
    await manager.query(
      'UPDATE carrier_tracking_events SET sale_order_id = $1 WHERE carrier_account_id = $2 AND event_id = $3',
      [orderId, accountId, eventId],
    );
  }
}
