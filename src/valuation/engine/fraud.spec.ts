import { describe, expect, it } from '@jest/globals';
import {
  assessOrder,
  checkBlocklist,
  checkDeclarationHistory,
  checkImeiFormat,
  combineSignals,
  findDuplicateIdentifiers,
  isValidImei,
  normaliseIdentifier,
  type DeclarationRecord,
} from './fraud.js';
import { valuate } from './model.js';

const IMEI_A = '490154203237518'; // valid Luhn
const IMEI_B = '356938035643809'; // valid Luhn

describe('identifiers', () => {
  it('normalises and validates IMEIs', () => {
    expect(normaliseIdentifier(' ab-12 34/5.6_7 ')).toBe('AB1234567');
    expect(isValidImei(IMEI_A)).toBe(true);
    expect(isValidImei('49-015420-323751-8')).toBe(true);
    expect(isValidImei('490154203237519')).toBe(false);
    expect(isValidImei('12345')).toBe(false);
  });
});

describe('findDuplicateIdentifiers', () => {
  it('flags the same IMEI or serial in two live orders, whatever the formatting', () => {
    const signals = findDuplicateIdentifiers([
      { orderId: 'o1', imei: IMEI_A },
      { orderId: 'o2', imei: '49 015420 323751 8' },
      { orderId: 'o3', imei: IMEI_B, serialNumber: 'SN-1' },
      { orderId: 'o4', serialNumber: 'sn1' },
      { orderId: 'o5', serialNumber: 'unique' },
    ]);
    expect(signals).toHaveLength(2);
    expect(signals[0]).toMatchObject({
      code: 'duplicate-identifier',
      severity: 'hold',
      identifier: IMEI_A,
      orderIds: ['o1', 'o2'],
    });
    expect(signals[1]).toMatchObject({ identifier: 'SN1', orderIds: ['o3', 'o4'] });
  });

  it('flags an identifier repeated inside one order, and nothing for distinct ones', () => {
    expect(
      findDuplicateIdentifiers([
        { orderId: 'o1', imei: IMEI_A },
        { orderId: 'o1', imei: IMEI_A },
      ]),
    ).toHaveLength(1);
    expect(
      findDuplicateIdentifiers([
        { orderId: 'o1', imei: IMEI_A },
        { orderId: 'o2', imei: IMEI_B },
      ]),
    ).toEqual([]);
    expect(
      findDuplicateIdentifiers([
        { orderId: 'o1', imei: '' },
        { orderId: 'o2', imei: '' },
      ]),
    ).toEqual([]);
  });
});

describe('checkBlocklist / checkImeiFormat', () => {
  it('holds blocklisted identifiers with the reason', () => {
    const s = checkBlocklist(
      [
        { orderId: 'o1', imei: IMEI_A },
        { orderId: 'o1', serialNumber: 'ok' },
      ],
      [{ identifier: '490154203237518', reason: 'reported stolen' }, 'OTHER'],
    );
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ code: 'blocklisted-identifier', severity: 'hold' });
    expect(s[0].detail).toContain('reported stolen');
    expect(checkBlocklist([{ orderId: 'o1', imei: IMEI_B }], [IMEI_A])).toEqual([]);
  });

  it('lowers confidence for an IMEI that fails the Luhn check', () => {
    const s = checkImeiFormat([
      { orderId: 'o1', imei: '490154203237519' },
      { orderId: 'o1', imei: IMEI_B },
      { orderId: 'o1' },
    ]);
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ code: 'invalid-imei', severity: 'lower-confidence' });
  });
});

describe('checkDeclarationHistory', () => {
  const rec = (
    declaredGrade: DeclarationRecord['declaredGrade'],
    inspectedGrade: DeclarationRecord['inspectedGrade'],
  ) => ({
    declaredGrade,
    inspectedGrade,
  });

  it('does not judge short or honest histories', () => {
    expect(checkDeclarationHistory([rec('premium', 'scrap'), rec('premium', 'scrap')])).toEqual([]);
    expect(
      checkDeclarationHistory([
        rec('premium', 'premium'),
        rec('good', 'good'),
        rec('premium', 'good'),
        rec('good', 'good'),
      ]),
    ).toEqual([]);
    // Pessimistic owners are not suspicious.
    expect(
      checkDeclarationHistory([
        rec('scrap', 'premium'),
        rec('good', 'premium'),
        rec('scrap', 'good'),
      ]),
    ).toEqual([]);
  });

  it('lowers confidence when most declarations were optimistic', () => {
    const s = checkDeclarationHistory([
      rec('premium', 'good'),
      rec('premium', 'good'),
      rec('good', 'good'),
    ]);
    expect(s).toEqual([
      expect.objectContaining({
        code: 'declared-condition-overstated',
        severity: 'lower-confidence',
      }),
    ]);
  });

  it('holds when premium was repeatedly claimed for scrap', () => {
    const s = checkDeclarationHistory([
      rec('premium', 'scrap'),
      rec('premium', 'scrap'),
      rec('good', 'good'),
      rec('good', 'good'),
    ]);
    expect(s).toEqual([expect.objectContaining({ severity: 'hold' })]);
  });
});

describe('combineSignals / assessOrder', () => {
  it('compounds penalties below 1 and holds if any signal asks to', () => {
    const a = combineSignals([
      { code: 'invalid-imei', severity: 'lower-confidence', detail: '', penalty: 0.2 },
      {
        code: 'declared-condition-overstated',
        severity: 'lower-confidence',
        detail: '',
        penalty: 0.25,
      },
    ]);
    expect(a.confidencePenalty).toBeCloseTo(1 - 0.8 * 0.75, 12);
    expect(a.hold).toBe(false);
    expect(combineSignals([])).toEqual({ signals: [], confidencePenalty: 0, hold: false });
  });

  it('assesses one order against other live orders, the blocklist and the owner history', () => {
    const result = assessOrder({
      orderItems: [
        { orderId: 'new', imei: IMEI_A },
        { orderId: 'new', serialNumber: 'SN-9' },
      ],
      otherLiveItems: [
        { orderId: 'old', imei: IMEI_A },
        { orderId: 'x', imei: IMEI_B },
        { orderId: 'y', imei: IMEI_B }, // a duplicate not involving this order: not its problem
        { orderId: 'new', imei: IMEI_A }, // the order itself, as listed by a query of all live orders
      ],
      blocklist: ['sn9'],
      ownerHistory: [],
    });
    expect(result.hold).toBe(true);
    expect(result.signals.map((s) => s.code).sort()).toEqual([
      'blocklisted-identifier',
      'duplicate-identifier',
    ]);
    expect(result.signals.find((s) => s.code === 'duplicate-identifier')!.orderIds).toEqual([
      'new',
      'old',
    ]);
    expect(result.confidencePenalty).toBeGreaterThan(0.8);
  });

  it('a clean order gets no signals; signals never change the price', () => {
    expect(assessOrder({ orderItems: [{ orderId: 'o', imei: IMEI_B }] })).toEqual({
      signals: [],
      confidencePenalty: 0,
      hold: false,
    });
    const flagged = assessOrder({
      orderItems: [{ orderId: 'o', imei: IMEI_A }],
      otherLiveItems: [{ orderId: 'p', imei: IMEI_A }],
    });
    const input = {
      productModel: {
        launchPriceMinor: 500_000,
        launchDate: new Date('2024-01-01T00:00:00Z'),
        categoryCode: 'digital.phones.smartphones',
      },
      valuationDate: new Date('2025-01-01T00:00:00Z'),
      grade: 'good' as const,
    };
    const clean = valuate(input);
    const held = valuate({ ...input, confidencePenalty: flagged.confidencePenalty });
    expect(held.amountMinor).toBe(clean.amountMinor);
    expect(held.confidence).toBeLessThan(clean.confidence);
  });
});
