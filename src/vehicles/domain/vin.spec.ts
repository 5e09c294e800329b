import { describe, expect, it } from '@jest/globals';
import {
  computeCheckDigit,
  decodeModelYear,
  decodeVin,
  parsePlate,
  validateVin,
  vinRegion,
} from './vin.js';

/** Gives a 17-character body the right check digit at position 9. */
function withCheckDigit(body: string): string {
  const draft = `${body.slice(0, 8)}0${body.slice(9)}`;
  return `${draft.slice(0, 8)}${computeCheckDigit(draft)}${draft.slice(9)}`;
}

describe('validateVin (ISO 3779)', () => {
  it('accepts the textbook North-American VIN with check digit X', () => {
    expect(validateVin('1M8GDM9AXKP042788')).toMatchObject({ valid: true, checkDigit: 'valid' });
    expect(computeCheckDigit('1M8GDM9AXKP042788')).toBe('X');
  });

  it('refuses a bad check digit in a North-American and in a Chinese VIN', () => {
    const us = validateVin('1M8GDM9A1KP042788');
    expect(us).toMatchObject({ valid: false, checkDigit: 'invalid', expectedCheckDigit: 'X' });
    expect(us.error).toContain('check digit');

    const cn = withCheckDigit('LRW3E7FA0PC123456');
    expect(validateVin(cn)).toMatchObject({ valid: true, checkDigit: 'valid' });
    const wrong = cn[8] === '1' ? '2' : '1';
    const tampered = `${cn.slice(0, 8)}${wrong}${cn.slice(9)}`;
    expect(validateVin(tampered)).toMatchObject({ valid: false, checkDigit: 'invalid' });
  });

  it('reports the check digit as not applicable for European and Japanese makers', () => {
    // Position 9 of a VW VIN is a filler Z: no check digit there.
    expect(validateVin('WVWZZZ1KZ8W123456')).toMatchObject({
      valid: true,
      checkDigit: 'not-applicable',
    });
    expect(validateVin('JTDBR32E730012345').checkDigit).toBe('not-applicable');
  });

  it('refuses the wrong length, I/O/Q and other characters; normalises case and spaces', () => {
    expect(validateVin('1M8GDM9AXKP04278').error).toContain('17 characters');
    expect(validateVin('1M8GDM9AXKP04278O').error).toContain('never contains O');
    expect(validateVin('IM8GDM9AXKP042788').valid).toBe(false);
    expect(validateVin('1M8GDM9AXKP04278#').valid).toBe(false);
    expect(validateVin(' 1m8gdm9axkp042788 ')).toMatchObject({
      valid: true,
      vin: '1M8GDM9AXKP042788',
    });
  });
});

describe('decoding', () => {
  it('reads the region from the first character', () => {
    expect(vinRegion('LRW3E7FA0PC123456')).toBe('Asia');
    expect(vinRegion('WVWZZZ1KZ8W123456')).toBe('Europe');
    expect(vinRegion('1M8GDM9AXKP042788')).toBe('North America');
    expect(vinRegion('9BWZZZ377VT004251')).toBe('South America');
  });

  it('resolves the 30-year cycle with the 7th character for North-American VINs', () => {
    expect(decodeModelYear('1M8GDM9AXKP042788')).toMatchObject({
      year: 1989,
      resolvedBy: 'seventh-character',
    });
    // Same year code K, a letter at position 7: 2019.
    expect(decodeModelYear('1M8GDMAAXKP042788').year).toBe(2019);
  });

  it('resolves the cycle with the registration date elsewhere', () => {
    const vin = withCheckDigit('LRW3E7FA0PC123456'); // P
    expect(decodeModelYear(vin, { registeredOn: new Date('2023-05-01') })).toMatchObject({
      year: 2023,
      candidates: [1993, 2023, 2053],
      resolvedBy: 'registration-date',
    });
    // A 1993 registration makes it a 1993 car, not a 2023 one.
    expect(decodeModelYear(vin, { registeredOn: new Date('1993-03-01') }).year).toBe(1993);
    expect(decodeModelYear(vin, { today: new Date('2025-01-01') })).toMatchObject({
      year: 2023,
      resolvedBy: 'latest-plausible',
    });
  });

  it('decodes a Chinese VIN fully and refuses to decode an invalid one', () => {
    const vin = withCheckDigit('LGXCE4CB0N0123456');
    const d = decodeVin(vin, { registeredOn: new Date('2022-09-01') });
    expect(d).toMatchObject({
      wmi: 'LGX',
      region: 'Asia',
      country: 'China',
      checkDigit: 'valid',
      serial: '123456',
    });
    expect(d.modelYear.year).toBe(2022);
    expect(() => decodeVin('1M8GDM9A1KP042788')).toThrow(/check digit/);
  });
});

describe('parsePlate', () => {
  it('reads the registration city and new-energy plates', () => {
    expect(parsePlate('沪A·12345')).toMatchObject({
      valid: true,
      cityCode: '310100',
      newEnergy: false,
    });
    expect(parsePlate('粤BD12345')).toMatchObject({
      valid: true,
      cityName: 'Shenzhen',
      newEnergy: true,
    });
    expect(parsePlate('晋K12345')).toMatchObject({ valid: true, province: '晋', cityCode: null });
  });

  it('refuses what is not a plate', () => {
    expect(parsePlate('AB12345').valid).toBe(false);
    expect(parsePlate('沪I12345').valid).toBe(false);
    expect(parsePlate('沪A123').valid).toBe(false);
  });
});
