import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { REALISTIC_VALUES } from './realistic-values.js';

interface Column {
  name: string;
  type: string;
  udt: string;
  nullable: boolean;
  hasDefault: boolean;
}

/**
 * Makes a row of any table, straight in SQL. The machine's own row gets a value in every column
 * without a default (one its CHECK list allows), which satisfies the state-dependent CHECKs (e.g.
 * "a published listing has published_at"); a foreign key gets a real, minimal row of the table it
 * points at (fresh near the machine's row, shared further down), so history can be appended.
 * Documents and free-text enums get what the application itself writes there (REALISTIC_VALUES),
 * so the API's answers about these rows are answers it could really give.
 */
export class RowMaker {
  private readonly tables = new Map<string, Promise<TableInfo>>();
  private readonly shared = new Map<string, Promise<string>>();

  constructor(private readonly ds: DataSource) {}

  private info(table: string): Promise<TableInfo> {
    let p = this.tables.get(table);
    if (!p) {
      p = (async () => {
        const columns = await this.ds.query<Column[]>(
          `SELECT column_name AS name, data_type AS type, udt_name AS udt,
                  is_nullable = 'YES' AS nullable, (column_default IS NOT NULL OR is_generated = 'ALWAYS' OR is_identity = 'YES') AS "hasDefault"
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
          [table],
        );
        const checks = (
          await this.ds.query<Array<{ def: string }>>(
            `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
              WHERE conrelid = $1::regclass AND contype = 'c'`,
            [table],
          )
        ).map((c) => c.def);
        const refs = await this.ds.query<Array<{ col: string; ref: string; refCol: string }>>(
          `SELECT a.attname AS col, c.confrelid::regclass::text AS ref, b.attname AS "refCol"
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
            WHERE c.conrelid = $1::regclass AND c.contype = 'f' AND cardinality(c.conkey) = 1`,
          [table],
        );
        return {
          columns,
          checks,
          refs: new Map(
            refs.map((r) => [r.col, { table: r.ref.replace(/"/g, ''), column: r.refCol }]),
          ),
        };
      })();
      this.tables.set(table, p);
    }
    return p;
  }

  private sharedRow(table: string, depth: number, key = 'id'): Promise<string> {
    let p = this.shared.get(`${table}.${key}`);
    if (!p) {
      p = this.make(table, {}, depth, key);
      this.shared.set(`${table}.${key}`, p);
    }
    return p;
  }

  async make(
    table: string,
    fixed: Record<string, unknown>,
    depth = 0,
    key = 'id',
  ): Promise<string> {
    if (depth > 5) throw new Error(`foreign keys of ${table} nest too deep`);
    const { columns, checks, refs } = await this.info(table);
    const allowed = (column: string): string[] => {
      for (const def of checks) {
        const m = new RegExp(`\\(?"?${column}"?\\)? = ANY \\(ARRAY\\[([^\\]]+)\\]`).exec(def);
        if (m) return [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]);
      }
      return [];
    };
    const mentioned = (column: string) => checks.some((d) => new RegExp(`\\b${column}\\b`).test(d));
    const names: string[] = [];
    const values: unknown[] = [];
    for (const c of columns) {
      let v: unknown;
      const realistic = REALISTIC_VALUES[`${table}.${c.name}`];
      if (c.name in fixed) v = fixed[c.name];
      else if (c.hasDefault || /^(created|updated)_at$/.test(c.name)) continue;
      // Rows further down (catalog, organisations...) are minimal: their own rules stay simple.
      // A nullable column with a realistic value (a user's e-mail) is still filled.
      else if (depth > 0 && c.nullable && !realistic) continue;
      else if (realistic) {
        const value = realistic();
        v = c.type === 'jsonb' || c.type === 'json' ? JSON.stringify(value) : value;
      } else if (refs.has(c.name)) {
        const ref = refs.get(c.name)!;
        if (ref.table === table) continue; // a self-reference stays empty
        v =
          depth < 2
            ? await this.make(ref.table, {}, depth + 1, ref.column)
            : await this.sharedRow(ref.table, depth + 1, ref.column);
      } else if (c.type === 'uuid') v = randomUUID();
      else if (c.udt === '_uuid') v = `{${await this.sharedRow('items', depth + 1)}}`;
      else if (/int|numeric|double|real/.test(c.type)) v = 1;
      else if (c.type === 'boolean') v = false;
      // A nullable document the application fills at a later step (a report, a progress):
      // empty until then. `{}` would be a document it never writes.
      else if ((c.type === 'jsonb' || c.type === 'json') && c.nullable && !mentioned(c.name))
        v = null;
      else if (c.type === 'jsonb' || c.type === 'json')
        v = checks.some((d) => d.includes(`jsonb_typeof(${c.name}) = 'array'`)) ? '[]' : '{}';
      else if (c.type === 'ARRAY') v = '{x}';
      else if (/timestamp|date/.test(c.type)) v = new Date().toISOString();
      else {
        const options = allowed(c.name);
        // The machine's row takes any allowed value; rows further down the first (the plainest).
        v = options.length
          ? options[depth === 0 ? Math.floor(Math.random() * options.length) : 0]
          : c.name === 'currency'
            ? 'CNY'
            : `r${randomBytes(6).toString('hex')}`;
      }
      names.push(`"${c.name}"`);
      values.push(v);
    }
    const rows = await this.ds.query<Array<{ key: string }>>(
      `INSERT INTO "${table}" (${names.join(', ')}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING "${key}" AS key`,
      values,
    );
    return rows[0].key;
  }
}

interface TableInfo {
  columns: Column[];
  checks: string[];
  refs: Map<string, { table: string; column: string }>;
}
