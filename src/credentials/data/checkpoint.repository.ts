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

/** An item's chain head as one checkpoint holds it, at `position` in its tree. */
export interface ItemLeaf {
  checkpoint: number;
  position: number;
  seq: number;
  hash: string;
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

  /**
   * The chain head of every item whose head is not the one its latest checkpoint holds (new
   * items, new entries, a rewritten head), the first `limit` by item id; items without history
   * left out; `after` continues from an item id (the last one a previous checkpoint took).
   */
  async changedHeads(
    manager: EntityManager,
    limit: number,
    after?: string,
  ): Promise<CheckpointLeaf[]> {
    const heads = await manager.query<Array<{ item_id: string; seq: number; hash: string }>>(
      `SELECT i.id AS item_id, i.history_seq AS seq, i.history_hash AS hash
         FROM items i
         LEFT JOIN LATERAL (
           SELECT l.seq, l.hash FROM history_checkpoint_leaves l
            WHERE l.item_id = i.id ORDER BY l.checkpoint DESC LIMIT 1) last ON true
        WHERE i.history_seq > 0 AND ($2::uuid IS NULL OR i.id > $2)
          AND (last.seq IS NULL OR last.seq <> i.history_seq OR last.hash <> i.history_hash)
        ORDER BY i.id LIMIT $1`,
      [limit, after ?? null],
    );
    return heads.map((h) => ({ itemId: h.item_id, seq: h.seq, hash: h.hash }));
  }

  async last(manager: EntityManager): Promise<{ number: number; merkle_root: string } | undefined> {
    const [last] = await manager.query<Array<{ number: number; merkle_root: string }>>(
      'SELECT number, merkle_root FROM history_checkpoints ORDER BY number DESC LIMIT 1',
    );
    return last;
  }

  /**
   * Stores a signed checkpoint, its leaves and its tree's nodes (in batches), in the caller's
   * transaction: an inclusion proof then reads its few nodes instead of rebuilding the tree.
   */
  async insert(
    manager: EntityManager,
    row: Omit<CheckpointRow, 'item_count'>,
    leaves: readonly CheckpointLeaf[],
    levels: readonly Buffer[][],
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
    await insertNodes(manager, row.number, levels);
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

  /** Nodes of a checkpoint's tree at these places, as `level:index` → hash. */
  async nodes(
    number: number,
    places: ReadonlyArray<{ level: number; index: number }>,
    db: DataSource = this.dataSource,
  ): Promise<Map<string, Buffer>> {
    const rows = await db.query<Array<{ level: number; position: number; hash: Buffer }>>(
      `SELECT n.level, n.position, n.hash FROM history_checkpoint_nodes n
         JOIN unnest($2::smallint[], $3::int[]) AS p(level, position)
           ON n.level = p.level AND n.position = p.position
        WHERE n.checkpoint = $1`,
      [number, places.map((p) => p.level), places.map((p) => p.index)],
    );
    return new Map(rows.map((r) => [`${r.level}:${r.position}`, r.hash]));
  }

  /**
   * The item's head in every checkpoint that holds it (checkpoints hold only changed heads),
   * oldest first, with its place in each tree: one read serves both the inclusion proof (the
   * latest) and the check of every earlier one.
   */
  itemLeaves(itemId: string, db: DataSource = this.dataSource): Promise<ItemLeaf[]> {
    return db.query<ItemLeaf[]>(
      `SELECT checkpoint, position, seq, hash FROM history_checkpoint_leaves
        WHERE item_id = $1 ORDER BY checkpoint`,
      [itemId],
    );
  }
}

/** A tree's nodes, every level (leaf hashes included, the root last), in batches. */
export async function insertNodes(
  manager: Pick<EntityManager, 'query'>,
  number: number,
  levels: readonly Buffer[][],
): Promise<void> {
  const nodes = levels.flatMap((level, l) => level.map((hash, i) => ({ l, i, hash })));
  for (let from = 0; from < nodes.length; from += LEAF_BATCH) {
    const batch = nodes.slice(from, from + LEAF_BATCH);
    await manager.query(
      `INSERT INTO history_checkpoint_nodes (checkpoint, level, position, hash)
       SELECT $1, t.l, t.p, t.h FROM unnest($2::smallint[], $3::int[], $4::bytea[]) AS t(l, p, h)`,
      [number, batch.map((n) => n.l), batch.map((n) => n.i), batch.map((n) => n.hash)],
    );
  }
}
