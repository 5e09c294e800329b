import type { MigrationInterface, QueryRunner } from 'typeorm';
import { buildTree, type Leaf } from '../src/credentials/merkle.js';
import { insertNodes } from '../src/credentials/data/checkpoint.repository.js';

/**
 * Issue 27 (history that grows for years): a checkpoint holds only the heads that changed since
 * each item's previous checkpoint, and stores its tree's nodes so an inclusion proof reads its
 * few siblings instead of rebuilding the tree (which held every item) in the API's memory.
 * Existing checkpoints get their nodes from their stored leaves; like the leaves, nodes are
 * append-only.
 */
export class CheckpointNodes1767000000000 implements MigrationInterface {
  name = 'CheckpointNodes1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE history_checkpoint_nodes (
        checkpoint int NOT NULL REFERENCES history_checkpoints(number),
        level smallint NOT NULL,
        position int NOT NULL,
        hash bytea NOT NULL,
        PRIMARY KEY (checkpoint, level, position)
      )`);
    await q.query(`
      CREATE TRIGGER history_checkpoint_nodes_no_update_delete
      BEFORE UPDATE OR DELETE ON history_checkpoint_nodes
      FOR EACH ROW EXECUTE FUNCTION history_checkpoints_append_only()`);
    const checkpoints = (await q.query(
      'SELECT number FROM history_checkpoints ORDER BY number',
    )) as Array<{ number: number }>;
    for (const { number } of checkpoints) {
      const leaves = (await q.query(
        `SELECT item_id AS "itemId", seq, hash FROM history_checkpoint_leaves
          WHERE checkpoint = $1 ORDER BY position`,
        [number],
      )) as Leaf[];
      await insertNodes(q, number, buildTree(leaves));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE history_checkpoint_nodes');
  }
}
