import {
  createCipheriv,
  createHash,
  createSign,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TradeBillRow, writeTradeBill } from './wechat-trade-bill.js';

/**
 * A local STAND-IN for WeChat Pay API v3, for tests only: it checks every request's
 * `Authorization` signature with the merchant's public key, signs every answer with the
 * platform key, and sends notifications signed and AES-256-GCM-encrypted exactly as WeChat Pay
 * documents — with keys generated here. It keeps orders, refunds (by out_refund_no) and
 * transfers (by out_bill_no) the way the real one does: asked again, it answers the first.
 */
export class WeChatPayStandIn {
  readonly mchId = '1900000109';
  readonly appId = 'wxd678efh567hg6787';
  readonly merchantSerial = 'MERCHANT0123456789ABCDEF';
  readonly platformSerial = 'PUB_KEY_ID_0114232134912410000';
  readonly apiV3Key = randomBytes(16).toString('hex'); // 32 characters
  readonly merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  readonly orders = new Map<
    string,
    {
      total: number;
      currency: string;
      paid: boolean;
      transactionId: string;
      paidAt: Date | null;
      description: string;
    }
  >();
  readonly refunds = new Map<string, Record<string, unknown>>();
  readonly transfers = new Map<string, Record<string, unknown>>();
  /** Every request as received, and whether its signature held. */
  readonly requests: Array<{ method: string; path: string; signed: boolean }> = [];
  /** The next N requests answer 500 (an outage). */
  failNext = 0;
  /** Refunds answer PROCESSING instead of SUCCESS while set. */
  refundsProcessing = false;
  /** Trade bills by day (YYYY-MM-DD), served by /v3/bill/tradebill and its download. */
  readonly bills = new Map<string, string>();
  /** Days whose bill WeChat Pay is still making (STATEMENT_CREATING). */
  readonly billsCreating = new Set<string>();
  /** The next bill download is corrupted on the way (its SHA1 no longer matches). */
  corruptNextDownload = false;
  private server: Server | null = null;
  port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** The settings a platform uses to talk to this stand-in. */
  env(): Record<string, string> {
    return {
      PAYMENT_PROVIDER: 'wechatpay',
      WECHATPAY_MCH_ID: this.mchId,
      WECHATPAY_APP_ID: this.appId,
      WECHATPAY_MERCHANT_SERIAL: this.merchantSerial,
      WECHATPAY_PRIVATE_KEY: this.merchant.privateKey
        .export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      WECHATPAY_PLATFORM_PUBLIC_KEY: this.platform.publicKey
        .export({ type: 'spki', format: 'pem' })
        .toString(),
      WECHATPAY_PLATFORM_SERIAL: this.platformSerial,
      WECHATPAY_APIV3_KEY: this.apiV3Key,
      WECHATPAY_BASE_URL: this.baseUrl,
      WECHATPAY_NOTIFY_URL: 'https://reloop.example.com/api/v1/webhooks/inbound/wechatpay',
    };
  }

  /** `Wechatpay-*` headers over `timestamp\nnonce\nbody\n`, signed with `key`. */
  signedHeaders(
    body: string,
    key: KeyObject = this.platform.privateKey,
    timestamp = Math.floor(Date.now() / 1000),
  ) {
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .sign(key, 'base64');
    return {
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': this.platformSerial,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  /** AEAD_AES_256_GCM of a resource with the APIv3 key (or another key, to forge one). */
  encrypt(plain: string, associatedData: string, key = this.apiV3Key) {
    const nonce = randomBytes(6).toString('hex'); // 12 characters
    const cipher = createCipheriv(
      'aes-256-gcm',
      Buffer.from(key, 'utf8'),
      Buffer.from(nonce, 'utf8'),
    );
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: data.toString('base64'),
      associated_data: associatedData,
      nonce,
    };
  }

  /** The buyer paid: the TRANSACTION.SUCCESS notification WeChat Pay would POST to notify_url. */
  paymentNotification(
    outTradeNo: string,
    opts: { amount?: number; apiV3Key?: string; signWith?: KeyObject; timestamp?: number } = {},
  ): { body: string; headers: Record<string, string>; id: string } {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new Error(`no order ${outTradeNo} at the stand-in`);
    order.paid = true;
    order.paidAt ??= new Date();
    const transaction = {
      mchid: this.mchId,
      appid: this.appId,
      out_trade_no: outTradeNo,
      transaction_id: order.transactionId,
      trade_type: 'NATIVE',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00'),
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: {
        total: opts.amount ?? order.total,
        payer_total: opts.amount ?? order.total,
        currency: order.currency,
        payer_currency: order.currency,
      },
    };
    const id = randomBytes(16).toString('hex');
    const body = JSON.stringify({
      id,
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: this.encrypt(JSON.stringify(transaction), 'transaction', opts.apiV3Key),
    });
    return { body, headers: this.signedHeaders(body, opts.signWith, opts.timestamp), id };
  }

  /**
   * The rows of a day's trade bill (ALL) from what happened here: each paid order at its
   * payment time, each refund at the time it was accepted (China time).
   */
  tradeBillRows(day: string): TradeBillRow[] {
    const cst = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString();
    const inDay = (d: Date) => cst(d).slice(0, 10) === day;
    const time = (d: Date) => cst(d).slice(0, 19).replace('T', ' ');
    const rows: Array<TradeBillRow & { at: number }> = [];
    for (const [outTradeNo, o] of this.orders) {
      if (!o.paid || !o.paidAt || !inDay(o.paidAt)) continue;
      rows.push({
        kind: 'payment',
        time: time(o.paidAt),
        at: o.paidAt.getTime(),
        outTradeNo,
        transactionId: o.transactionId,
        amountMinor: o.total,
        currency: o.currency,
        description: o.description,
      });
    }
    for (const r of this.refunds.values()) {
      const at = new Date(String(r.create_time));
      if (!inDay(at)) continue;
      const amount = r.amount as { total: number; refund: number; currency: string };
      rows.push({
        kind: 'refund',
        time: time(at),
        at: at.getTime(),
        outTradeNo: String(r.out_trade_no),
        transactionId: String(r.transaction_id),
        outRefundNo: String(r.out_refund_no),
        refundId: String(r.refund_id),
        amountMinor: amount.refund,
        orderTotalMinor: amount.total,
        currency: amount.currency,
      });
    }
    return rows.sort((a, b) => a.at - b.at).map(({ at: _at, ...row }) => row);
  }

  /** Publishes a day's bill: the given rows (default: what happened here that day). */
  publishBill(day: string, rows: TradeBillRow[] = this.tradeBillRows(day)): string {
    const bill = writeTradeBill(rows, { mchId: this.mchId, appId: this.appId });
    this.bills.set(day, bill);
    return bill;
  }

  private verifyAuthorization(req: IncomingMessage, body: string): boolean {
    const auth = req.headers.authorization ?? '';
    const m = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(auth);
    if (!m) return false;
    const fields = Object.fromEntries(
      [...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (fields.mchid !== this.mchId || fields.serial_no !== this.merchantSerial) return false;
    if (Math.abs(Date.now() / 1000 - Number(fields.timestamp)) > 300) return false;
    return createVerify('RSA-SHA256')
      .update(`${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`)
      .verify(this.merchant.publicKey, fields.signature ?? '', 'base64');
  }

  private answer(res: ServerResponse, status: number, data: unknown) {
    const body = data === undefined ? '' : JSON.stringify(data);
    res.writeHead(status, { 'Content-Type': 'application/json', ...this.signedHeaders(body) });
    res.end(body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const signed = this.verifyAuthorization(req, text);
    const url = new URL(req.url ?? '/', this.baseUrl);
    this.requests.push({ method: req.method ?? '', path: url.pathname, signed });
    if (!signed) return this.answer(res, 401, { code: 'SIGN_ERROR', message: '签名错误' });
    if (this.failNext > 0) {
      this.failNext--;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统错误' }));
      return;
    }
    const body = (text ? JSON.parse(text) : {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const path = url.pathname;
    if (req.method === 'POST' && path === '/v3/pay/transactions/native') {
      const no = String(body.out_trade_no);
      if (!this.orders.has(no)) {
        this.orders.set(no, {
          total: Number(body.amount.total),
          currency: String(body.amount.currency ?? 'CNY'),
          paid: false,
          transactionId: `42000${randomBytes(10).toString('hex').slice(0, 23)}`,
          paidAt: null,
          description: String(body.description ?? ''),
        });
      }
      return this.answer(res, 200, { code_url: `weixin://wxpay/bizpayurl?pr=${no.slice(0, 8)}` });
    }
    const refundPath = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && refundPath) {
      const r = this.refunds.get(decodeURIComponent(refundPath[1]));
      return r
        ? this.answer(res, 200, r)
        : this.answer(res, 404, { code: 'RESOURCE_NOT_EXISTS', message: '退款单不存在' });
    }
    if (req.method === 'POST' && path === '/v3/refund/domestic/refunds') {
      const no = String(body.out_refund_no);
      const existing = this.refunds.get(no);
      if (existing) return this.answer(res, 200, existing);
      const order = this.orders.get(String(body.out_trade_no));
      if (!order?.paid)
        return this.answer(res, 400, { code: 'INVALID_REQUEST', message: '订单未支付' });
      const refunded = [...this.refunds.values()]
        .filter((r) => r.out_trade_no === body.out_trade_no)
        .reduce((s, r) => s + Number((r.amount as { refund: number }).refund), 0);
      if (refunded + Number(body.amount.refund) > order.total) {
        return this.answer(res, 403, { code: 'NOT_ENOUGH', message: '退款金额超过可退金额' });
      }
      const r = {
        refund_id: `50000${randomBytes(12).toString('hex').slice(0, 24)}`,
        out_refund_no: no,
        transaction_id: order.transactionId,
        out_trade_no: body.out_trade_no,
        channel: 'ORIGINAL',
        user_received_account: '支付用户零钱',
        create_time: new Date().toISOString(),
        success_time: new Date().toISOString(),
        status: this.refundsProcessing ? 'PROCESSING' : 'SUCCESS',
        amount: {
          total: order.total,
          refund: Number(body.amount.refund),
          currency: order.currency,
        },
      };
      this.refunds.set(no, r);
      return this.answer(res, 200, r);
    }
    const billPath = /^\/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)$/.exec(
      path,
    );
    if (req.method === 'GET' && billPath) {
      const b = this.transfers.get(decodeURIComponent(billPath[1]));
      return b
        ? this.answer(res, 200, b)
        : this.answer(res, 404, { code: 'NOT_FOUND', message: '记录不存在' });
    }
    if (req.method === 'POST' && path === '/v3/fund-app/mch-transfer/transfer-bills') {
      const no = String(body.out_bill_no);
      const existing = this.transfers.get(no);
      if (existing) return this.answer(res, 200, existing);
      if (!/^[A-Za-z0-9]{1,32}$/.test(no))
        return this.answer(res, 400, { code: 'PARAM_ERROR', message: 'out_bill_no' });
      const b = {
        out_bill_no: no,
        transfer_bill_no: `1330000${randomBytes(10).toString('hex')}`,
        create_time: new Date().toISOString(),
        state: 'SUCCESS',
        openid: body.openid,
        transfer_amount: body.transfer_amount,
      };
      this.transfers.set(no, b);
      return this.answer(res, 200, b);
    }
    if (req.method === 'GET' && path === '/v3/bill/tradebill') {
      const day = url.searchParams.get('bill_date') ?? '';
      if (url.searchParams.get('bill_type') !== 'ALL')
        return this.answer(res, 400, { code: 'PARAM_ERROR', message: 'bill_type' });
      if (this.billsCreating.has(day))
        return this.answer(res, 400, { code: 'STATEMENT_CREATING', message: '账单生成中' });
      const bill = this.bills.get(day);
      if (bill === undefined)
        return this.answer(res, 400, { code: 'NO_STATEMENT_EXIST', message: '账单文件不存在' });
      return this.answer(res, 200, {
        download_url: `${this.baseUrl}/v3/billdownload/file?token=${encodeURIComponent(day)}`,
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(bill, 'utf8').digest('hex'),
      });
    }
    if (req.method === 'GET' && path === '/v3/billdownload/file') {
      // The file is not signed (WeChat Pay documents it so); the SHA1 above vouches for it.
      let bill = this.bills.get(url.searchParams.get('token') ?? '') ?? '';
      if (this.corruptNextDownload) {
        this.corruptNextDownload = false;
        bill = bill.replace('4', '5'); // one digit changed in transit
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(bill);
      return;
    }
    return this.answer(res, 404, { code: 'NOT_FOUND', message: path });
  }
}
