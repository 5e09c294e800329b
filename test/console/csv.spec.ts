import { describe, expect, it } from '@jest/globals';
import { csvFileName, toCsv } from '../../console/src/ui/csv.js';

describe('CSV export of a list', () => {
  it('writes what Excel reads: BOM, CRLF, quoted fields, Chinese as is', () => {
    expect(
      toCsv([
        ['物品', '物主'],
        ['TSZJ7S4AYF', '韩梅梅, 13712345678'],
        ['say "hi"', ''],
      ]),
    ).toBe('\ufeff物品,物主\r\nTSZJ7S4AYF,"韩梅梅, 13712345678"\r\n"say ""hi""",\r\n');
  });

  it('keeps a spreadsheet from running a field as a formula, but not a negative amount', () => {
    expect(toCsv([['=HYPERLINK("x")', '+1', '@SUM(A1)', '-¥12.50', '-12.50', '-1,250']])).toBe(
      `\ufeff"'=HYPERLINK(""x"")",'+1,'@SUM(A1),'-¥12.50,-12.50,"-1,250"\r\n`,
    );
  });

  it('names the file after what the user reads, with the day', () => {
    expect(csvFileName('“梅梅”的查询结果', '2026-12-05')).toBe('“梅梅”的查询结果-2026-12-05.csv');
    expect(csvFileName('a/b: c?', '2026-12-05')).toBe('a-b-c-2026-12-05.csv');
    expect(csvFileName('', '2026-12-05')).toBe('list-2026-12-05.csv');
  });
});
