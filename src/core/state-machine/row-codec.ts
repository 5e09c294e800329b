import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

/**
 * Plain-SQL reads and guarded updates of one entity's row, for the hot paths (issue 27 point 2):
 * the ORM's query builder costs more CPU than the statement itself. The column ↔ property map is
 * built once per entity from TypeORM's own metadata, and values go through the driver's own
 * hydration and persistence (so transformers, dates and JSON behave as with `findOne`/`update`).
 * Only for entities made of plain columns: no embedded, relation, virtual or soft-delete columns
 * (`rowCodec` answers null for the others and the caller keeps the ORM path).
 */
export interface RowCodec<E> {
  metadata: EntityMetadata;
  /** `"t"` — the quoted table name. */
  table: string;
  /** The selected columns, quoted, as `findOne` selects them. */
  selectList: string;
  /** Property name → the column it maps to (updatable plain columns only). */
  byProperty: ReadonlyMap<string, ColumnMetadata>;
  /** The `@UpdateDateColumn`'s quoted name, set to CURRENT_TIMESTAMP on every update. */
  updateDate: string | null;
  fromRow(manager: EntityManager, raw: Record<string, unknown>): E;
}

const codecs = new WeakMap<EntityMetadata, RowCodec<ObjectLiteral> | null>();

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function build(metadata: EntityMetadata): RowCodec<ObjectLiteral> | null {
  const unsupported =
    metadata.embeddeds.length > 0 ||
    metadata.eagerRelations.length > 0 ||
    metadata.deleteDateColumn !== undefined ||
    metadata.versionColumn !== undefined ||
    metadata.schema !== undefined ||
    metadata.columns.some(
      (c) => c.isVirtual || c.isVirtualProperty || c.embeddedMetadata || c.relationMetadata,
    );
  if (unsupported) return null;
  const selected = metadata.columns.filter((c) => c.isSelect);
  const byProperty = new Map<string, ColumnMetadata>();
  for (const c of metadata.columns) if (c.isUpdate) byProperty.set(c.propertyName, c);
  return {
    metadata,
    table: quote(metadata.tableName),
    selectList: selected.map((c) => quote(c.databaseName)).join(', '),
    byProperty,
    updateDate: metadata.updateDateColumn ? quote(metadata.updateDateColumn.databaseName) : null,
    fromRow(manager, raw) {
      const entity = metadata.create(undefined, { fromDeserializer: true }) as ObjectLiteral;
      const driver = manager.connection.driver;
      for (const c of selected) {
        const value = raw[c.databaseName];
        if (value === undefined) continue;
        entity[c.propertyName] = driver.prepareHydratedValue(value, c) as unknown;
      }
      return entity;
    },
  };
}

/** The codec of an entity, built on first use and kept; null when it needs the ORM. */
export function rowCodec<E extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<E>,
): RowCodec<E> | null {
  const metadata = manager.connection.getMetadata(target);
  let codec = codecs.get(metadata);
  if (codec === undefined) {
    codec = build(metadata);
    codecs.set(metadata, codec);
  }
  return codec as RowCodec<E> | null;
}

/** Every codec built at boot, so no request pays for it. */
export function warmRowCodecs(manager: EntityManager): void {
  for (const m of manager.connection.entityMetadatas) {
    if (!codecs.has(m)) codecs.set(m, build(m));
  }
}

/** One row by primary key `id`, hydrated as `findOne({ where: { id } })` would; null if none. */
export async function findRowById<E extends ObjectLiteral>(
  manager: EntityManager,
  codec: RowCodec<E>,
  id: string,
): Promise<E | null> {
  const rows = await manager.query<Array<Record<string, unknown>>>(
    `SELECT ${codec.selectList} FROM ${codec.table} WHERE "id" = $1 LIMIT 1`,
    [id],
  );
  return rows.length ? codec.fromRow(manager, rows[0]) : null;
}

/**
 * The SET list and parameters of a patch (starting at `$first`), as the query builder's
 * `update().set(patch)` would write them; null when the patch needs the query builder (an SQL
 * expression, a property that is not a plain updatable column).
 */
export function setList<E extends ObjectLiteral>(
  manager: EntityManager,
  codec: RowCodec<E>,
  patch: Record<string, unknown>,
  first: number,
): { sql: string[]; params: unknown[]; columns: Set<string> } | null {
  const driver = manager.connection.driver;
  const sql: string[] = [];
  const params: unknown[] = [];
  const columns = new Set<string>();
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === undefined) continue;
    if (typeof value === 'function') return null;
    const column = codec.byProperty.get(key);
    if (!column) return null;
    if (columns.has(column.databaseName)) continue;
    columns.add(column.databaseName);
    params.push(driver.preparePersistentValue(value, column));
    sql.push(`${quote(column.databaseName)} = $${first + params.length - 1}`);
  }
  return { sql, params, columns };
}
