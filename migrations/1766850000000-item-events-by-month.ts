import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns of item_events, as the foundation made them (the hash covers them all). */
const COLUMNS = `
  id bigint NOT NULL DEFAULT nextval('item_events_id_seq'),
  item_id uuid NOT NULL REFERENCES items(id),
  seq int NOT NULL,
  at timestamptz(3) NOT NULL,
  type text NOT NULL,
  entity text NOT NULL,
  entity_id uuid NOT NULL,
  from_state text,
  to_state text,
  actor_role text NOT NULL,
  actor_id uuid,
  organisation_id uuid,
  custodian_kind text,
  custodian_id uuid,
  place text,
  data jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL`;

/** Months a fresh install (and the daily job) keeps ready beyond the current one. */
const MONTHS_AHEAD = 3;

/**
 * Issue 27 (point 6): the item history, which grows for years, becomes a table partitioned by
 * month on `at` (native range partitioning), with a default partition for a row no month
 * takes. Rows, ids, indexes, the append-only triggers and the hash chain are unchanged.
 *
 * A unique index on a partitioned table must include the partition key, so `(item_id, seq)`
 * can no longer be unique over the whole table. Each month's partition keeps its own unique
 * `(item_id, seq)` index (made by `item_events_add_month`), and the guarantee across months is
 * the one that always made seq: an append increments `items.history_seq` under the item's row
 * lock, so one item's appends are serialised and each takes the next number; the chain check
 * (`checkChain`) reports a duplicate or a gap as a broken chain.
 *
 * The copy runs in this migration's transaction with the table locked: plan a maintenance
 * window for a large history (about a minute per 10 M rows on modest hardware).
 */
export class ItemEventsByMonth1766850000000 implements MigrationInterface {
  name = 'ItemEventsByMonth1766850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('LOCK TABLE item_events IN ACCESS EXCLUSIVE MODE');
    await q.query('ALTER TABLE item_events RENAME TO item_events_unpartitioned');
    await q.query('ALTER INDEX item_events_pkey RENAME TO item_events_unpartitioned_pkey');
    await q.query('ALTER INDEX item_events_item_seq RENAME TO item_events_unpartitioned_item_seq');
    await q.query('ALTER INDEX item_events_entity RENAME TO item_events_unpartitioned_entity');
    // The id sequence carries on: ids stay unique and keep their order.
    await q.query('ALTER SEQUENCE item_events_id_seq OWNED BY NONE');

    await q.query(
      `CREATE TABLE item_events (${COLUMNS}, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)`,
    );
    await q.query('ALTER SEQUENCE item_events_id_seq OWNED BY item_events.id');
    await q.query('CREATE INDEX item_events_entity ON item_events (entity_id)');
    await q.query('CREATE TABLE item_events_default PARTITION OF item_events DEFAULT');
    await q.query(
      'CREATE UNIQUE INDEX item_events_default_item_seq ON item_events_default (item_id, seq)',
    );
    // One month's partition and its (item_id, seq) index; false when it exists already. The job
    // `add-history-partitions` calls it for the months ahead.
    await q.query(`
      CREATE FUNCTION item_events_add_month(month date) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        first_day timestamp := date_trunc('month', month::timestamp);
        name text := 'item_events_' || to_char(first_day, 'YYYY_MM');
        lower_bound timestamptz := first_day AT TIME ZONE 'UTC';
        upper_bound timestamptz := (first_day + interval '1 month') AT TIME ZONE 'UTC';
        stranded bigint;
      BEGIN
        -- Workers may run it at once: one at a time.
        PERFORM pg_advisory_xact_lock(724311027);
        IF to_regclass(name) IS NOT NULL THEN
          RETURN false;
        END IF;
        SELECT count(*) INTO stranded FROM item_events_default
         WHERE at >= lower_bound AND at < upper_bound;
        IF stranded > 0 THEN
          RAISE EXCEPTION '% history rows of % are in item_events_default: move them to a new partition by hand (docs/scaling.md)',
            stranded, to_char(first_day, 'YYYY-MM') USING ERRCODE = '55000';
        END IF;
        EXECUTE format('CREATE TABLE %I PARTITION OF item_events FOR VALUES FROM (%L) TO (%L)',
          name, lower_bound, upper_bound);
        EXECUTE format('CREATE UNIQUE INDEX %I ON %I (item_id, seq)', name || '_item_seq', name);
        RETURN true;
      END $$`);
    // Every month that holds history, and the months ahead.
    await q.query(
      `SELECT item_events_add_month(m::date)
         FROM generate_series(
                date_trunc('month', coalesce((SELECT min(at) FROM item_events_unpartitioned), now())
                                    AT TIME ZONE 'UTC'),
                date_trunc('month', now() AT TIME ZONE 'UTC') + $1::int * interval '1 month',
                interval '1 month') AS m`,
      [MONTHS_AHEAD],
    );
    await q.query('INSERT INTO item_events SELECT * FROM item_events_unpartitioned');
    await q.query('DROP TABLE item_events_unpartitioned');

    // Append-only, as before: row triggers are cloned onto every partition.
    await q.query(`
      CREATE TRIGGER item_events_no_update_delete BEFORE UPDATE OR DELETE ON item_events
      FOR EACH ROW EXECUTE FUNCTION item_events_append_only()`);
    await q.query(`
      CREATE TRIGGER item_events_no_truncate BEFORE TRUNCATE ON item_events
      FOR EACH STATEMENT EXECUTE FUNCTION item_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('LOCK TABLE item_events IN ACCESS EXCLUSIVE MODE');
    await q.query('ALTER TABLE item_events RENAME TO item_events_partitioned');
    await q.query('ALTER INDEX item_events_pkey RENAME TO item_events_partitioned_pkey');
    await q.query('ALTER INDEX item_events_entity RENAME TO item_events_partitioned_entity');
    await q.query('ALTER SEQUENCE item_events_id_seq OWNED BY NONE');
    await q.query(`CREATE TABLE item_events (${COLUMNS}, PRIMARY KEY (id))`);
    await q.query('ALTER SEQUENCE item_events_id_seq OWNED BY item_events.id');
    await q.query('INSERT INTO item_events SELECT * FROM item_events_partitioned');
    await q.query('DROP TABLE item_events_partitioned');
    await q.query('DROP FUNCTION item_events_add_month');
    await q.query('CREATE UNIQUE INDEX item_events_item_seq ON item_events (item_id, seq)');
    await q.query('CREATE INDEX item_events_entity ON item_events (entity_id)');
    await q.query(`
      CREATE TRIGGER item_events_no_update_delete BEFORE UPDATE OR DELETE ON item_events
      FOR EACH ROW EXECUTE FUNCTION item_events_append_only()`);
    await q.query(`
      CREATE TRIGGER item_events_no_truncate BEFORE TRUNCATE ON item_events
      FOR EACH STATEMENT EXECUTE FUNCTION item_events_append_only()`);
  }
}
