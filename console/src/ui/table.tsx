import { useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { csvFileName, toCsv } from './csv.js';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

/** The table as the user reads it (headers and cell text), without the action columns. */
function tableText(table: HTMLTableElement): string[][] {
  const headers = [...table.tHead!.rows[0].cells].map((c) => c.innerText.trim());
  const keep = headers.map((h) => h !== '');
  return [...table.rows]
    .filter((r) => r.parentElement?.tagName !== 'TFOOT')
    .map((r) =>
      [...r.cells].filter((_, i) => keep[i]).map((c) => c.innerText.replace(/\s+/g, ' ').trim()),
    );
}

/**
 * A plain table; `empty` is what shows when there are no rows. Every table can be exported as
 * CSV: the rows loaded so far ("load more" first for more), as shown, in the user's language.
 */
export function Table<T>({
  rows,
  columns,
  rowKey,
  empty,
  caption,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty?: string;
  caption?: string;
}) {
  const { t } = useTranslation();
  const table = useRef<HTMLTableElement>(null);
  if (rows.length === 0) return <p className="muted">{empty ?? t('common.nothingHere')}</p>;
  const exportCsv = () => {
    if (!table.current) return;
    const url = URL.createObjectURL(
      new Blob([toCsv(tableText(table.current))], { type: 'text/csv;charset=utf-8' }),
    );
    const a = document.createElement('a');
    a.href = url;
    a.download = csvFileName(
      caption ?? document.querySelector('main h1')?.textContent ?? document.title,
    );
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <>
      {/* A wide table scrolls sideways on a phone: the region takes focus so a keyboard can scroll. */}
      <div
        className="table-wrap"
        tabIndex={0}
        role="region"
        aria-label={caption ?? t('common.table')}
      >
        <table ref={table}>
          {caption && <caption>{caption}</caption>}
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col" className={c.className}>
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={rowKey(r)}>
                {columns.map((c) => (
                  <td key={c.header} className={c.className}>
                    {c.cell(r)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="table-tools">
        <button type="button" className="link" onClick={exportCsv}>
          {t('common.exportCsv', { n: rows.length })}
        </button>
      </p>
    </>
  );
}
