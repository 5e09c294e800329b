import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 (point 4), the trade-in off the happy path: a final offer below the quote is valid
 * for a set time (then the item goes back to its owner free), and a store drop-off that goes
 * back waits at the store's counter until its staff hand it over.
 */
export class TradeInOffPath1764500000000 implements MigrationInterface {
  name = 'TradeInOffPath1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE trade_in_items
        ADD COLUMN offer_valid_until timestamptz(3),
        ADD COLUMN at_store_since timestamptz(3)`);
    // Offers pending today had no deadline: they get the default seven days from now.
    await q.query(`
      UPDATE trade_in_items SET offer_valid_until = now() + interval '7 days'
       WHERE state = 'OFFER_PENDING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE trade_in_items DROP COLUMN offer_valid_until, DROP COLUMN at_store_since',
    );
  }
}
