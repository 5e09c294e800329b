/**
 * Writes a WeChat Pay trade bill (交易账单, bill_type=ALL) the way WeChat Pay publishes it, for
 * tests: the ALL header, one backtick-prefixed row per payment or refund, and the summary
 * header and values computed from the rows. Amounts are given in fen and written in yuan.
 */
export const TRADE_BILL_HEADER = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
];

export interface TradeBillRow {
  kind: 'payment' | 'refund';
  /** China time, `YYYY-MM-DD HH:mm:ss`. */
  time: string;
  outTradeNo: string;
  transactionId: string;
  /** Payments: the order's amount; refunds: the refund. Fen. */
  amountMinor: number;
  /** Refunds: the payment's whole amount (fen). */
  orderTotalMinor?: number;
  outRefundNo?: string;
  refundId?: string;
  description?: string;
  currency?: string;
}

export const yuan = (fen: number) =>
  `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

/** Fee at 0.6 %, to five decimals of a yuan as WeChat Pay prints it. */
const fee = (fen: number) => (Math.round(fen * 6) / 100_000).toFixed(5);

export function writeTradeBill(
  rows: TradeBillRow[],
  opts: { mchId?: string; appId?: string; eol?: string } = {},
): string {
  const mchId = opts.mchId ?? '1900000109';
  const appId = opts.appId ?? 'wxd678efh567hg6787';
  const eol = opts.eol ?? '\r\n';
  let settlement = 0;
  let refunds = 0;
  let fees = 0;
  let orders = 0;
  let requested = 0;
  const body = rows.map((r) => {
    const refund = r.kind === 'refund';
    const cells = [
      r.time,
      appId,
      mchId,
      '0',
      '',
      r.transactionId,
      r.outTradeNo,
      'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      'NATIVE',
      refund ? 'REFUND' : 'SUCCESS',
      'OTHERS',
      r.currency ?? 'CNY',
      yuan(refund ? 0 : r.amountMinor),
      '0.00',
      refund ? (r.refundId ?? '') : '0',
      refund ? (r.outRefundNo ?? '') : '0',
      yuan(refund ? r.amountMinor : 0),
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? 'SUCCESS' : '',
      r.description ?? 'Reloop 二手好物',
      '',
      refund ? `-${fee(r.amountMinor)}` : fee(r.amountMinor),
      '0.60%',
      yuan(refund ? (r.orderTotalMinor ?? r.amountMinor) : r.amountMinor),
      yuan(refund ? r.amountMinor : 0),
      '',
    ];
    settlement += refund ? 0 : r.amountMinor;
    refunds += refund ? r.amountMinor : 0;
    fees += refund ? -Math.round(r.amountMinor * 6) : Math.round(r.amountMinor * 6);
    orders += refund ? (r.orderTotalMinor ?? r.amountMinor) : r.amountMinor;
    requested += refund ? r.amountMinor : 0;
    return cells.map((c) => `\`${c}`).join(',');
  });
  const summary = [
    String(rows.length),
    yuan(settlement),
    yuan(refunds),
    '0.00',
    (fees / 100_000).toFixed(5),
    yuan(orders),
    yuan(requested),
  ];
  return [
    TRADE_BILL_HEADER.join(','),
    ...body,
    '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
    summary.map((c) => `\`${c}`).join(','),
    '',
  ].join(eol);
}
