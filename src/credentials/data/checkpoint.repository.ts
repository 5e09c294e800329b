import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import type { Credential } from '../vc.js';

/** pg advisory lock of checkpoint signing: one at a time across every worker. */
const CHECKPOINT_LOCK_KEY = 731_550_024;
const LEAF_BATCH = 5000;

export interface CheckpointRow {
  number: number;
  checkpoint_at: Date;
  item_count: number;
  merkle_root: string;
  key_id: string;
  credential: Credential;
}

/** One item's chain head as a checkpoint holds it. */
export interface CheckpointLeaf {
  itemId: string;
  seq: number;
  hash: string;
}

/**
 * Signed history checkpoints and their leaves. Reads take the connection to read from (`db`: a
 * replica, so that an item's history and its checkpoints are one snapshot); the primary's by
 * default.
 */
@Injectable()
export class CheckpointRepository extends DataRepository {
  /** Waits for the signing lock, held until the caller's transaction ends. */
  async lockSigning(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK_KEY]);
  }

  /** Every item's chain head, by item id (items without history left out). */
  async itemHeads(manager: EntityManager): Promise<CheckpointLeaf[]> {
    const heads = await manager.query<Array<{ item_id: string; seq: number; hash: string }>>(
      `SELECT id AS item_id, history_seq AS seq, history_hash AS hash
         FROM items WHERE history_seq > 0 ORDER BY id`,
    );
    return heads.map((h) => ({ itemId: h.item_id, seq: h.seq, hash: h.hash }));
  }

  async last(manager: EntityManager): Promise<{ number: number; merkle_root: string } | undefined> {
    const [last] = await manager.query<Array<{ number: number; merkle_root: string }>>(
      'SELECT number, merkle_root FROM history_checkpoints ORDER BY number DESC LIMIT 1',
    );
    return last;
  }

  /** Stores a signed checkpoint and its leaves (in batches), in the caller's transaction. */
  async insert(
    manager: EntityManager,
    row: Omit<CheckpointRow, 'item_count'>,
    leaves: readonly CheckpointLeaf[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO history_checkpoints (number, checkpoint_at, item_count, merkle_root, key_id, credential)
         VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        row.number,
        row.checkpoint_at,
        leaves.length,
        row.merkle_root,
        row.key_id,
        JSON.stringify(row.credential),
      ],
    );
    for (let from = 0; from < leaves.length; from += LEAF_BATCH) {
      const batch = leaves.slice(from, from + LEAF_BATCH);
      await manager.query(
        `INSERT INTO history_checkpoint_leaves (checkpoint, position, item_id, seq, hash)
         SELECT $1, t.p, t.i, t.s, t.h
           FROM unnest($2::int[], $3::uuid[], $4::int[], $5::text[]) AS t(p, i, s, h)`,
        [
          row.number,
          batch.map((_, k) => from + k),
          batch.map((l) => l.itemId),
          batch.map((l) => l.seq),
          batch.map((l) => l.hash),
        ],
      );
    }
  }

  /** Newest first, before `before` when given; `limit` rows at most. */
  page(before: number | null, limit: number): Promise<CheckpointRow[]> {
    return this.dataSource.query<CheckpointRow[]>(
      `SELECT number, checkpoint_at, item_count, merkle_root, key_id, credential
         FROM history_checkpoints WHERE ($1::int IS NULL OR number < $1)
        ORDER BY number DESC LIMIT $2`,
      [before, limit],
    );
  }

  async byNumber(number: number, db: DataSource = this.dataSource) {
    const [row] = await db.query<CheckpointRow[]>(
      `SELECT number, checkpoint_at, item_count, merkle_root, key_id, credential
         FROM history_checkpoints WHERE number = $1`,
      [number],
    );
    return row as CheckpointRow | undefined;
  }

  /** The item's leaf in checkpoint `number`, or in the latest that covers it. */
  async leafOf(itemId: string, number: number | undefined, db: DataSource = this.dataSource) {
    const [leaf] = await db.query<Array<{ checkpoint: number; position: number }>>(
      `SELECT checkpoint, position FROM history_checkpoint_leaves
        WHERE item_id = $1 AND ($2::int IS NULL OR checkpoint = $2)
        ORDER BY checkpoint DESC LIMIT 1`,
      [itemId, number ?? null],
    );
    return leaf as { checkpoint: number; position: number } | undefined;
  }

  /** A checkpoint's leaves, by position. */
  async leaves(number: number, db: DataSource = this.dataSource): Promise<CheckpointLeaf[]> {
    const rows = await db.query<Array<{ item_id: string; seq: number; hash: string }>>(
      `SELECT item_id, seq, hash FROM history_checkpoint_leaves
        WHERE checkpoint = $1 ORDER BY position`,
      [number],
    );
    return rows.map((r) => ({ itemId: r.item_id, seq: r.seq, hash: r.hash }));
  }

  /** The newest checkpoint's number (null when there is none). */
  async latestNumber(db: DataSource = this.dataSource): Promise<number | null> {
    const [latest] = await db.query<Array<{ n: number | null }>>(
      'SELECT max(number) AS n FROM history_checkpoints',
    );
    return latest?.n ?? null;
  }

  /** The item's head in every checkpoint that holds it, oldest first. */
  itemLeaves(itemId: string, db: DataSource = this.dataSource) {
    return db.query<Array<{ checkpoint: number; seq: number; hash: string }>>(
      'SELECT checkpoint, seq, hash FROM history_checkpoint_leaves WHERE item_id = $1 ORDER BY checkpoint',
      [itemId],
    );
  }
}
