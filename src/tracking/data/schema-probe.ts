import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

const RECHECK_MISSING_MS = 30_000;

/**
 * Tracking reads other modules' tables, which land independently: it asks whether a table (and
 * which columns) exist before querying, so a module not yet installed is skipped, not a 500.
 * Present tables are remembered; a missing one is asked about again after a while.
 */
@Injectable()
export class SchemaProbe {
  private readonly columns = new Map<string, { names: Set<string> | null; at: number }>();

  constructor(private readonly dataSource: DataSource) {}

  /** The table's column names, or null when the table does not exist. */
  async tableColumns(table: string): Promise<Set<string> | null> {
    const cached = this.columns.get(table);
    if (cached && (cached.names || Date.now() - cached.at < RECHECK_MISSING_MS)) {
      return cached.names;
    }
    const [{ present }] = await this.dataSource.query<Array<{ present: boolean }>>(
      'SELECT to_regclass($1) IS NOT NULL AS present',
      [`public.${table}`],
    );
    let names: Set<string> | null = null;
    if (present) {
      const rows = await this.dataSource.query<Array<{ column_name: string }>>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = $1`,
        [table],
      );
      names = new Set(rows.map((r) => r.column_name));
    }
    this.columns.set(table, { names, at: Date.now() });
    return names;
  }

  /** The first of `candidates` that exists, with its columns. */
  async firstTable(
    candidates: readonly string[],
  ): Promise<{ table: string; columns: Set<string> } | null> {
    for (const table of candidates) {
      const columns = await this.tableColumns(table);
      if (columns) return { table, columns };
    }
    return null;
  }
}
