import { describe, expect, it } from '@jest/globals';
import { writeTradeBill, type TradeBillRow } from '../../../test/support/wechat-trade-bill.js';
import { StatementFormatError } from './payment-provider.js';
import { parseWeChatTradeBill, yuanToFen } from './wechat-bill.js';

const PAID: TradeBillRow = {
  kind: 'payment',
  time: '2026-05-01 10:15:00',
  outTradeNo: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  transactionId: '4200000001202605010000000001',
  amountMinor: 459_900,
};
const REFUNDED: TradeBillRow = {
  kind: 'refund',
  time: '2026-05-01 18:00:05',
  outTradeNo: PAID.outTradeNo,
  transactionId: PAID.transactionId,
  outRefundNo: 'aa11bb22cc33dd44ee55ff6600778899',
  refundId: '50000000012026050100000000001',
  amountMinor: 120_050,
  orderTotalMinor: 459_900,
};

describe('WeChat Pay trade bill (交易账单, ALL)', () => {
  it('reads payments and refunds by their columns, in fen, at China time', () => {
    const s = parseWeChatTradeBill(writeTradeBill([PAID, REFUNDED]), { mchId: '1900000109' });
    expect(s.lines).toEqual([
      expect.objectContaining({
        kind: 'payment',
        ourRef: PAID.outTradeNo,
        providerRef: PAID.transactionId,
        amountMinor: 459_900,
        currency: 'CNY',
        at: '2026-05-01T10:15:00+08:00',
      }),
      expect.objectContaining({
        kind: 'refund',
        ourRef: REFUNDED.outRefundNo,
        providerRef: REFUNDED.refundId,
        amountMinor: 120_050,
        at: '2026-05-01T18:00:05+08:00',
      }),
    ]);
    expect(s.lines[1].raw).toMatchObject({
      交易状态: 'REFUND',
      退款状态: 'SUCCESS',
      费率: '0.60%',
    });
    expect(s.totals).toEqual({ lines: 2, paymentsMinor: 459_900, refundsMinor: 120_050 });
  });

  it('keeps a comma inside a product name in its field; reads LF and a BOM too', () => {
    const text = `\uFEFF${writeTradeBill([{ ...PAID, description: 'iPhone 15, 128 GB, "mint"' }], { eol: '\n' })}`;
    const [line] = parseWeChatTradeBill(text).lines;
    expect(line.raw['商品名称']).toBe('iPhone 15, 128 GB, "mint"');
    expect(line.amountMinor).toBe(459_900);
  });

  it('reads a day without a line (only the summary)', () => {
    expect(parseWeChatTradeBill(writeTradeBill([])).lines).toEqual([]);
  });

  it.each([
    ['a line cut off the end', (t: string) => t.replace(/\r\n`2026-05-01 18:00:05[^\r]*/, '')],
    ['an amount edited', (t: string) => t.replace('`4599.00', '`4590.00')],
    ['the summary gone', (t: string) => t.split('\r\n').slice(0, 3).join('\r\n')],
    ['a column missing', (t: string) => t.replace('商户退款单号', '退款单号')],
    ['values without backticks', (t: string) => t.replace(/`/g, '')],
    ['something else entirely', () => '<xml><return_code>FAIL</return_code></xml>'],
  ])('refuses a bill with %s', (_what, change) => {
    expect(() => parseWeChatTradeBill(change(writeTradeBill([PAID, REFUNDED])))).toThrow(
      StatementFormatError,
    );
  });

  it("refuses another merchant's bill", () => {
    expect(() =>
      parseWeChatTradeBill(writeTradeBill([PAID], { mchId: '1230000109' }), {
        mchId: '1900000109',
      }),
    ).toThrow(/the bill of merchant 1230000109, not of 1900000109/);
  });

  it('turns yuan into fen without floating point', () => {
    expect(yuanToFen('0.01')).toBe(1);
    expect(yuanToFen('4599.9')).toBe(459_990);
    expect(yuanToFen('-12.34')).toBe(-1234);
    expect(yuanToFen('90071992547409.91')).toBe(9_007_199_254_740_991);
    expect(() => yuanToFen('1.234')).toThrow();
    expect(() => yuanToFen('1e3')).toThrow();
  });
});
