import { parse } from 'csv-parse/sync';
import {
  type ProviderStatement,
  StatementFormatError,
  type StatementLine,
} from './payment-provider.js';

/** The summary's header: the file's last two lines are this and the values. */
const SUMMARY_FIRST_COLUMN = '总交易单数';

/** Columns a line is read by (the file's header names them; their order is not fixed). */
const COL = {
  time: '交易时间',
  mchId: '商户号',
  transactionId: '微信订单号',
  outTradeNo: '商户订单号',
  state: '交易状态',
  currency: '货币种类',
  settlementTotal: '应结订单金额',
  refundId: '微信退款单号',
  outRefundNo: '商户退款单号',
  refund: '退款金额',
  // Optional (present in the ALL bill since 2019): what the order and the refund asked for.
  total: '订单金额',
  refundRequested: '申请退款金额',
} as const;
const REQUIRED = [
  COL.time,
  COL.mchId,
  COL.transactionId,
  COL.outTradeNo,
  COL.state,
  COL.currency,
  COL.settlementTotal,
  COL.refundId,
  COL.outRefundNo,
  COL.refund,
];
/** Summary columns checked against the lines. */
const SUM = {
  count: '总交易单数',
  settlementTotal: '应结订单总金额',
  refund: '退款总金额',
  total: '订单总金额',
  refundRequested: '申请退款总金额',
} as const;

/** "12.34" yuan (two decimals at most) → 1234 fen, without floating point. */
export function yuanToFen(text: string): number {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new Error(`not an amount in yuan: ${JSON.stringify(text)}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/**
 * WeChat Pay's trade bill (交易账单, bill_type=ALL), as its documentation publishes it: a header
 * row naming the columns, one row per payment (交易状态 SUCCESS) or refund (REFUND, at the time
 * WeChat Pay accepted it), then a summary header (总交易单数,…) and its values. Every value of the
 * data rows is prefixed with a backtick (so spreadsheets keep long numbers); amounts are yuan.
 *
 * Read with csv-parse, splitting on ",`" (a comma inside a product name stays in its field; the
 * file quotes nothing). The lines must add up to the summary (count, settlement, refunds, and
 * order and requested-refund totals where present): a cut or edited file is refused. A payment
 * line's amount is its 订单金额 (what the buyer was charged, our amount) or else 应结订单金额; a
 * refund line's is its 申请退款金额 (what we asked) or else 退款金额. A revoked payment (撤销)
 * moved no money: amount 0. `mchId` refuses another merchant's bill.
 */
export function parseWeChatTradeBill(
  text: string,
  opts: { mchId?: string } = {},
): ProviderStatement {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter: ',`',
      quote: false,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (err) {
    throw new StatementFormatError(`not a WeChat Pay trade bill: ${(err as Error).message}`);
  }
  const rows = records.filter((r) => r.some((c) => c.trim() !== ''));
  if (rows.length < 3) {
    throw new StatementFormatError(
      'not a WeChat Pay trade bill: a header row, the summary header and its values are required',
    );
  }
  // The headers hold no backtick: csv-parse gave each one as a single field.
  const header = rows[0]
    .join(',`')
    .split(',')
    .map((h) => h.trim());
  for (const name of REQUIRED) {
    if (!header.includes(name)) {
      throw new StatementFormatError(`not a WeChat Pay trade bill: no column ${name}`);
    }
  }
  const summaryAt = rows.findIndex(
    (r) => r.join(',`').split(',')[0]?.trim() === SUMMARY_FIRST_COLUMN,
  );
  if (summaryAt < 1 || summaryAt !== rows.length - 2) {
    throw new StatementFormatError(
      'not a WeChat Pay trade bill: its last two rows must be the summary (总交易单数,…)',
    );
  }
  const summaryHeader = rows[summaryAt]
    .join(',`')
    .split(',')
    .map((h) => h.trim());
  const summaryValues = rows[summaryAt + 1].map(unprefix);
  if (summaryValues.length !== summaryHeader.length) {
    throw new StatementFormatError('the summary row does not match its header');
  }
  const summary = Object.fromEntries(summaryHeader.map((h, i) => [h, summaryValues[i]]));

  const lines: StatementLine[] = [];
  const sums = { settlementTotal: 0, refund: 0, total: 0, refundRequested: 0 };
  for (const [n, row] of rows.slice(1, summaryAt).entries()) {
    const where = `line ${n + 2}`;
    if (!row[0]?.startsWith('`')) {
      throw new StatementFormatError(`${where}: data values must start with a backtick`);
    }
    if (row.length !== header.length) {
      throw new StatementFormatError(`${where}: ${row.length} values for ${header.length} columns`);
    }
    const raw = Object.fromEntries(header.map((h, i) => [h, unprefix(row[i])]));
    const amount = (column: string) => {
      const v = raw[column];
      if (v === undefined || v === '') return 0;
      try {
        return yuanToFen(v);
      } catch {
        throw new StatementFormatError(`${where}: ${column} ${JSON.stringify(v)} is not an amount`);
      }
    };
    if (opts.mchId && raw[COL.mchId] !== opts.mchId) {
      throw new StatementFormatError(
        `${where}: the bill of merchant ${raw[COL.mchId]}, not of ${opts.mchId}`,
      );
    }
    const at = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(raw[COL.time]);
    if (!at || Number.isNaN(Date.parse(`${at[1]}T${at[2]}+08:00`))) {
      throw new StatementFormatError(`${where}: ${COL.time} ${JSON.stringify(raw[COL.time])}`);
    }
    if (!/^[A-Z]{3}$/.test(raw[COL.currency])) {
      throw new StatementFormatError(
        `${where}: ${COL.currency} ${JSON.stringify(raw[COL.currency])}`,
      );
    }
    sums.settlementTotal += amount(COL.settlementTotal);
    sums.refund += amount(COL.refund);
    sums.total += amount(COL.total);
    sums.refundRequested += amount(COL.refundRequested);
    const state = raw[COL.state];
    const base = { currency: raw[COL.currency], at: `${at[1]}T${at[2]}+08:00`, raw };
    if (state === 'REFUND') {
      if (!raw[COL.outRefundNo])
        throw new StatementFormatError(`${where}: a refund without 商户退款单号`);
      lines.push({
        ...base,
        kind: 'refund',
        ourRef: raw[COL.outRefundNo],
        providerRef: raw[COL.refundId],
        amountMinor: COL.refundRequested in raw ? amount(COL.refundRequested) : amount(COL.refund),
      });
    } else {
      if (!raw[COL.outTradeNo])
        throw new StatementFormatError(`${where}: a payment without 商户订单号`);
      lines.push({
        ...base,
        kind: 'payment',
        ourRef: raw[COL.outTradeNo],
        providerRef: raw[COL.transactionId],
        amountMinor:
          state === 'REVOKED'
            ? 0
            : COL.total in raw
              ? amount(COL.total)
              : amount(COL.settlementTotal),
      });
    }
  }

  const total = (column: string) => {
    const v = summary[column];
    if (v === undefined) return null;
    try {
      return yuanToFen(v);
    } catch {
      throw new StatementFormatError(`summary: ${column} ${JSON.stringify(v)} is not an amount`);
    }
  };
  const count = Number(summary[SUM.count]);
  if (!Number.isInteger(count) || count !== lines.length) {
    throw new StatementFormatError(
      `the bill has ${lines.length} lines but its summary says ${summary[SUM.count]}: cut or edited`,
    );
  }
  const checks: Array<[string, number | null, number]> = [
    [SUM.settlementTotal, total(SUM.settlementTotal), sums.settlementTotal],
    [SUM.refund, total(SUM.refund), sums.refund],
    [SUM.total, header.includes(COL.total) ? total(SUM.total) : null, sums.total],
    [
      SUM.refundRequested,
      header.includes(COL.refundRequested) ? total(SUM.refundRequested) : null,
      sums.refundRequested,
    ],
  ];
  for (const [column, stated, added] of checks) {
    if (stated === null) continue;
    if (stated !== added) {
      throw new StatementFormatError(
        `the lines add up to ${added} fen but the summary's ${column} says ${stated}: cut or edited`,
      );
    }
  }
  return {
    lines,
    totals: {
      lines: count,
      paymentsMinor: lines
        .filter((l) => l.kind === 'payment')
        .reduce((s, l) => s + l.amountMinor, 0),
      refundsMinor: lines.filter((l) => l.kind === 'refund').reduce((s, l) => s + l.amountMinor, 0),
    },
  };
}

/** A value without the backtick WeChat Pay puts before it. */
function unprefix(v: string | undefined): string {
  return (v ?? '').replace(/^`/, '').trim();
}
