import { describe, expect, it } from '@jest/globals';
import { codeFromScan } from '../../console/src/ui/scan-code.js';

describe('what a scanned label says', () => {
  it('gives the trace code of a passport address (what the QR labels carry)', () => {
    expect(codeFromScan('https://reloop.example.com/t/TSZJ7S4AYF')).toBe('TSZJ7S4AYF');
    expect(codeFromScan('http://127.0.0.1:3000/t/tszj7s4ayf/')).toBe('tszj7s4ayf');
    expect(codeFromScan(' https://r.cn/t/TSZJ7S4AYF?from=label ')).toBe('TSZJ7S4AYF');
  });

  it('leaves anything else as it was read (trace codes, IMEIs, seal numbers)', () => {
    expect(codeFromScan(' TSZJ7-S4AYF ')).toBe('TSZJ7-S4AYF');
    expect(codeFromScan('356938035643809')).toBe('356938035643809');
    expect(codeFromScan('https://example.com/other/page')).toBe('https://example.com/other/page');
  });
});
