import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';

/** Revocation status lists: their slots (a sequence), the lists and the revoked slots. */
@Injectable()
export class StatusListRepository extends DataRepository {
  /** The next slot number, in the caller's transaction. */
  async nextSlot(manager: EntityManager): Promise<number> {
    const [{ n }] = await manager.query<Array<{ n: string }>>(
      "SELECT nextval('credential_status_slots') AS n",
    );
    return Number(n);
  }

  /** Opens a revocation list (again: nothing changes). */
  async open(manager: EntityManager, listId: string, length: number): Promise<void> {
    await manager.query(
      `INSERT INTO credential_status_lists (id, purpose, length) VALUES ($1, 'revocation', $2)
       ON CONFLICT (id) DO NOTHING`,
      [listId, length],
    );
  }

  /** Marks slots revoked, in the caller's transaction (again: nothing changes). */
  async revoke(
    manager: EntityManager,
    slots: ReadonlyArray<{ listId: string; index: number }>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO credential_status_revocations (list_id, status_index)
       SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT DO NOTHING`,
      [slots.map((s) => s.listId), slots.map((s) => s.index)],
    );
  }

  async list(listId: string): Promise<{ length: number; purpose: string } | undefined> {
    const [list] = await this.dataSource.query<Array<{ length: number; purpose: string }>>(
      'SELECT length, purpose FROM credential_status_lists WHERE id = $1',
      [listId],
    );
    return list;
  }

  /** The list's revoked slots, in order. */
  async revoked(listId: string): Promise<number[]> {
    const rows = await this.dataSource.query<Array<{ status_index: number }>>(
      `SELECT status_index FROM credential_status_revocations
        WHERE list_id = $1 ORDER BY status_index`,
      [listId],
    );
    return rows.map((r) => r.status_index);
  }
}
