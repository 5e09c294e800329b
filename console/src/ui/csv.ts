/**
 * Rows as CSV the way spreadsheet users expect it: a UTF-8 byte-order mark (so Excel reads
 * Chinese), CRLF line ends, fields quoted when they hold a comma, quote or line break. A field
 * that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe
 * (CSV injection), except plain numbers such as -12.50.
 */
export function toCsv(rows: string[][]): string {
  const field = (raw: string) => {
    const value = /^[=+\-@\t\r]/.test(raw) && !/^-?[\d,]+(\.\d+)?$/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  };
  return `\ufeff${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}

/** A file name from what the user reads (a caption), safe on every system, with the day. */
export function csvFileName(title: string, day = new Date().toISOString().slice(0, 10)): string {
  const base = title.replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'list';
  return `${base}-${day}.csv`;
}
