import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';

/** Payees' accounts at a payment provider, one per party and provider. */
@Injectable()
export class PayoutAccountRepository extends DataRepository {
  /** Records (or replaces) the party's account, in the caller's transaction. */
  async set(
    m: EntityManager,
    row: {
      partyKind: string;
      partyId: string;
      provider: string;
      account: string;
      name: string | null;
      updatedBy: string | null;
    },
  ): Promise<void> {
    await m.query(
      `INSERT INTO payout_accounts (party_kind, party_id, provider, account, name, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (party_kind, party_id, provider)
       DO UPDATE SET account = $4, name = $5, updated_by = $6, updated_at = now()`,
      [row.partyKind, row.partyId, row.provider, row.account, row.name, row.updatedBy],
    );
  }

  async of(
    party: { kind: string; id: string },
    provider: string,
  ): Promise<{ account: string; name: string | null } | undefined> {
    const rows = await this.dataSource.query<Array<{ account: string; name: string | null }>>(
      'SELECT account, name FROM payout_accounts WHERE party_kind = $1 AND party_id = $2 AND provider = $3',
      [party.kind, party.id, provider],
    );
    return rows.at(0);
  }
}
