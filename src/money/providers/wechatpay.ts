import {
  constants,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  type KeyObject,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { UnauthorizedException } from '@nestjs/common';
import type { WeChatPayConfig } from '../../config/app-config.js';
import {
  PAYMENT_SUCCEEDED,
  PayeeAccountMissing,
  type PaymentIntent,
  type PaymentProvider,
  type PayoutRequest,
  type ProviderAnswer,
  type ProviderStatement,
  type RefundRequest,
  StatementNotReady,
  type VerifiedNotification,
} from './payment-provider.js';
import { parseWeChatTradeBill } from './wechat-bill.js';

/** How far a signed answer's or notification's timestamp may be from our clock (seconds). */
const MAX_SKEW_SECONDS = 300;

/** `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`, signed SHA256withRSA with the merchant key. */
export function signRequest(
  key: KeyObject,
  method: string,
  pathAndQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  return createSign('RSA-SHA256')
    .update(`${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`)
    .sign(key, 'base64');
}

/** The `Authorization` header of WeChat Pay API v3. */
export function authorizationHeader(
  c: { mchId: string; merchantSerial: string },
  key: KeyObject,
  method: string,
  pathAndQuery: string,
  body: string,
  now = Math.floor(Date.now() / 1000),
): string {
  const nonce = randomBytes(16).toString('hex');
  const timestamp = String(now);
  const signature = signRequest(key, method, pathAndQuery, timestamp, nonce, body);
  return `WECHATPAY2-SHA256-RSA2048 mchid="${c.mchId}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${c.merchantSerial}"`;
}

/** `TIMESTAMP\nNONCE\nBODY\n`, verified with the platform's public key. */
export function verifyPlatformSignature(
  key: KeyObject,
  timestamp: string,
  nonce: string,
  body: string,
  signature: string,
): boolean {
  try {
    return createVerify('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** AEAD_AES_256_GCM with the APIv3 key: the ciphertext carries its 16-byte tag at the end. */
export function decryptResource(
  apiV3Key: string,
  r: { ciphertext: string; nonce: string; associated_data?: string },
): string {
  const data = Buffer.from(r.ciphertext, 'base64');
  if (data.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv(
    'aes-256-gcm',
    Buffer.from(apiV3Key, 'utf8'),
    Buffer.from(r.nonce, 'utf8'),
  );
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
  return Buffer.concat([
    decipher.update(data.subarray(0, data.length - 16)),
    decipher.final(),
  ]).toString('utf8');
}

function header(headers: IncomingHttpHeaders | Headers, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const v = (headers as IncomingHttpHeaders)[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

class WeChatPayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`WeChat Pay ${status} ${code}: ${message}`);
  }
}

/**
 * WeChat Pay API v3 (direct merchant), per its published protocol: every request signed
 * SHA256withRSA with the merchant API key (`Authorization: WECHATPAY2-SHA256-RSA2048 …`), every
 * answer and notification verified with the platform certificate / public key (`Wechatpay-*`
 * headers, at most five minutes old), notification resources decrypted with the APIv3 key
 * (AEAD_AES_256_GCM). Payments are Native orders (a QR code URL) whose out_trade_no is our
 * intent id; refunds are keyed by out_refund_no and payouts (merchant transfers) by
 * out_bill_no — both our transfer's id — and asked for the existing one first, so a retry
 * never pays twice.
 */
export class WeChatPayProvider implements PaymentProvider {
  readonly name = 'wechatpay';
  readonly simulated = false;
  private readonly privateKey: KeyObject;
  private readonly platformKey: KeyObject;

  constructor(private readonly c: WeChatPayConfig) {
    this.privateKey = createPrivateKey(c.privateKeyPem);
    this.platformKey = createPublicKey(c.platformPublicKeyPem);
  }

  /** One signed call; the answer's signature is checked before anything in it is believed. */
  private async call<T>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body?: Record<string, unknown>,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; data: T }> {
    const text = body ? JSON.stringify(body) : '';
    const res = await fetch(`${this.c.baseUrl}${pathAndQuery}`, {
      method,
      headers: {
        Accept: 'application/json',
        'User-Agent': 'reloop',
        Authorization: authorizationHeader(this.c, this.privateKey, method, pathAndQuery, text),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...extraHeaders,
      },
      body: body ? text : undefined,
      signal: AbortSignal.timeout(15_000),
    });
    const answer = await res.text();
    if (res.status >= 500) {
      throw new WeChatPayError(res.status, 'SYSTEM_ERROR', answer.slice(0, 200));
    }
    const ts = header(res.headers, 'Wechatpay-Timestamp') ?? '';
    const nonce = header(res.headers, 'Wechatpay-Nonce') ?? '';
    const signature = header(res.headers, 'Wechatpay-Signature') ?? '';
    // A success is believed only when WeChat Pay signed it; an error answer moves no money
    // (a 404 only makes us ask to create, under the same out_* number).
    if (
      res.status < 300 &&
      (header(res.headers, 'Wechatpay-Serial') !== this.c.platformSerial ||
        !verifyPlatformSignature(this.platformKey, ts, nonce, answer, signature))
    ) {
      throw new WeChatPayError(
        res.status,
        'BAD_SIGNATURE',
        'the answer is not signed by WeChat Pay',
      );
    }
    const data = (answer ? JSON.parse(answer) : {}) as T & { code?: string; message?: string };
    if (res.status >= 400 && res.status !== 404) {
      throw new WeChatPayError(
        res.status,
        data.code ?? 'ERROR',
        data.message ?? answer.slice(0, 200),
      );
    }
    return { status: res.status, data };
  }

  async createIntent(order: {
    id: string;
    amountMinor: number;
    currency: string;
    expiresAt: Date;
    description: string;
  }): Promise<PaymentIntent> {
    const outTradeNo = order.id.replace(/-/g, '');
    const { data } = await this.call<{ code_url: string }>('POST', '/v3/pay/transactions/native', {
      appid: this.c.appId,
      mchid: this.c.mchId,
      description: order.description.slice(0, 127),
      out_trade_no: outTradeNo,
      time_expire: rfc3339(order.expiresAt),
      notify_url: this.c.notifyUrl,
      amount: { total: order.amountMinor, currency: order.currency },
    });
    return {
      provider: this.name,
      intentId: outTradeNo,
      amountMinor: order.amountMinor,
      currency: order.currency,
      expiresAt: order.expiresAt.toISOString(),
      confirmation: {
        webhook: this.c.notifyUrl,
        eventType: 'TRANSACTION.SUCCESS',
        codeUrl: data.code_url,
      },
    };
  }

  async refund(r: RefundRequest): Promise<ProviderAnswer> {
    const path = `/v3/refund/domestic/refunds/${encodeURIComponent(r.refundNo)}`;
    const found = await this.call<Record<string, unknown>>('GET', path);
    const { data } =
      found.status === 404
        ? await this.call<Record<string, unknown>>('POST', '/v3/refund/domestic/refunds', {
            out_trade_no: r.intentId,
            out_refund_no: r.refundNo,
            reason: r.reason.slice(0, 80),
            notify_url: this.c.notifyUrl,
            amount: { refund: r.amountMinor, total: r.totalMinor, currency: r.currency },
          })
        : found;
    const status = String(data.status);
    return {
      status:
        status === 'SUCCESS' ? 'succeeded' : status === 'PROCESSING' ? 'processing' : 'failed',
      providerRef: typeof data.refund_id === 'string' ? data.refund_id : null,
      ...(status === 'CLOSED' || status === 'ABNORMAL' ? { reason: `refund ${status}` } : {}),
      raw: data,
    };
  }

  async payout(p: PayoutRequest): Promise<ProviderAnswer> {
    if (!p.payeeAccount) throw new PayeeAccountMissing('no WeChat openid recorded for the payee');
    const path = `/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${encodeURIComponent(p.transferNo)}`;
    const found = await this.call<Record<string, unknown>>('GET', path);
    let data = found.data;
    if (found.status === 404) {
      const body: Record<string, unknown> = {
        appid: this.c.appId,
        out_bill_no: p.transferNo,
        transfer_scene_id: this.c.transferSceneId,
        openid: p.payeeAccount,
        transfer_amount: p.amountMinor,
        transfer_remark: p.remark.slice(0, 32),
        notify_url: this.c.notifyUrl,
        transfer_scene_report_infos: [
          { info_type: '活动名称', info_content: 'Reloop 回收' },
          { info_type: '奖励说明', info_content: p.remark.slice(0, 32) },
        ],
      };
      const extra: Record<string, string> = {};
      if (p.payeeName) {
        // The payee's name travels encrypted with the platform key (RSA-OAEP).
        body.user_name = publicEncrypt(
          { key: this.platformKey, padding: constants.RSA_PKCS1_OAEP_PADDING },
          Buffer.from(p.payeeName, 'utf8'),
        ).toString('base64');
        extra['Wechatpay-Serial'] = this.c.platformSerial;
      }
      data = (
        await this.call<Record<string, unknown>>(
          'POST',
          '/v3/fund-app/mch-transfer/transfer-bills',
          body,
          extra,
        )
      ).data;
    }
    const state = String(data.state);
    return {
      status:
        state === 'SUCCESS'
          ? 'succeeded'
          : state === 'FAIL' || state === 'CANCELLED'
            ? 'failed'
            : 'processing',
      providerRef: typeof data.transfer_bill_no === 'string' ? data.transfer_bill_no : null,
      ...(state === 'FAIL' || state === 'CANCELLED'
        ? {
            reason: `transfer ${state}${typeof data.fail_reason === 'string' ? `: ${data.fail_reason}` : ''}`,
          }
        : {}),
      raw: data,
    };
  }

  /**
   * A notification: the platform's signature over `timestamp\nnonce\nbody\n` from the serial we
   * trust, at most five minutes old, then the resource decrypted (its GCM tag authenticates it
   * too). Anything else is refused with 401 and changes nothing.
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- the interface is async: other providers fetch keys
  async verifyNotification(
    headers: IncomingHttpHeaders,
    rawBody: Buffer,
  ): Promise<VerifiedNotification> {
    const ts = header(headers, 'Wechatpay-Timestamp');
    const nonce = header(headers, 'Wechatpay-Nonce');
    const signature = header(headers, 'Wechatpay-Signature');
    const serial = header(headers, 'Wechatpay-Serial');
    const refuse = (why: string) =>
      new UnauthorizedException(`WeChat Pay notification refused: ${why}`);
    if (!ts || !nonce || !signature || !serial)
      throw refuse('Wechatpay-* signature headers missing');
    if (serial !== this.c.platformSerial)
      throw refuse(`unknown platform serial ${serial.slice(0, 64)}`);
    if (!/^\d{1,12}$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > MAX_SKEW_SECONDS) {
      throw refuse('timestamp outside five minutes');
    }
    const body = rawBody.toString('utf8');
    if (!verifyPlatformSignature(this.platformKey, ts, nonce, body, signature)) {
      throw refuse('bad signature');
    }
    let n: {
      id?: unknown;
      event_type?: unknown;
      resource?: {
        algorithm?: string;
        ciphertext?: string;
        nonce?: string;
        associated_data?: string;
      };
    };
    try {
      n = JSON.parse(body) as typeof n;
    } catch {
      throw refuse('body is not JSON');
    }
    if (typeof n.id !== 'string' || typeof n.event_type !== 'string' || !n.resource) {
      throw refuse('id, event_type and resource are required');
    }
    if (
      n.resource.algorithm !== 'AEAD_AES_256_GCM' ||
      !n.resource.ciphertext ||
      !n.resource.nonce
    ) {
      throw refuse('resource is not AEAD_AES_256_GCM');
    }
    let resource: Record<string, unknown>;
    try {
      resource = JSON.parse(
        decryptResource(this.c.apiV3Key, {
          ciphertext: n.resource.ciphertext,
          nonce: n.resource.nonce,
          associated_data: n.resource.associated_data,
        }),
      ) as Record<string, unknown>;
    } catch {
      throw refuse('resource does not decrypt with the APIv3 key');
    }
    if (resource.mchid !== undefined && resource.mchid !== this.c.mchId) {
      throw refuse('for another merchant');
    }
    const payload = { id: n.id, event_type: n.event_type, resource } as Record<string, unknown>;
    if (n.event_type !== 'TRANSACTION.SUCCESS' || resource.trade_state !== 'SUCCESS') {
      // Acknowledged and stored; nothing else to do (refund and transfer results are asked for).
      return {
        eventId: n.id,
        type: n.event_type,
        data: { intentId: '', amountMinor: 0, currency: '', providerRef: null },
        payload,
      };
    }
    const amount = (resource.amount ?? {}) as { total?: unknown; currency?: unknown };
    return {
      eventId: n.id,
      type: PAYMENT_SUCCEEDED,
      data: {
        intentId: typeof resource.out_trade_no === 'string' ? resource.out_trade_no : '',
        amountMinor: typeof amount.total === 'number' ? amount.total : Number.NaN,
        currency: typeof amount.currency === 'string' ? amount.currency : 'CNY',
        providerRef: typeof resource.transaction_id === 'string' ? resource.transaction_id : null,
      },
      payload,
    };
  }

  parseStatement(text: string): ProviderStatement {
    return parseWeChatTradeBill(text, { mchId: this.c.mchId });
  }

  /**
   * The day's trade bill (ALL: payments and refunds): `GET /v3/bill/tradebill` answers a
   * download address and the file's SHA1; the file itself comes unsigned (as WeChat Pay
   * documents), so its SHA1 must equal the signed answer's. No bill because nothing happened
   * that day (NO_STATEMENT_EXIST): null. Still being made (before about 10:00 the next day):
   * StatementNotReady.
   */
  async fetchStatement(day: string): Promise<string | null> {
    let bill: { download_url?: string; hash_type?: string; hash_value?: string };
    try {
      bill = (
        await this.call<typeof bill>(
          'GET',
          `/v3/bill/tradebill?bill_date=${encodeURIComponent(day)}&bill_type=ALL`,
        )
      ).data;
    } catch (err) {
      if (err instanceof WeChatPayError && err.code === 'NO_STATEMENT_EXIST') return null;
      if (err instanceof WeChatPayError && err.code === 'STATEMENT_CREATING') {
        throw new StatementNotReady(`WeChat Pay is still making the trade bill of ${day}`);
      }
      throw err;
    }
    if (!bill.download_url || bill.hash_type !== 'SHA1' || !bill.hash_value) {
      throw new WeChatPayError(200, 'BAD_ANSWER', 'no download_url or SHA1 hash for the bill');
    }
    const url = new URL(bill.download_url);
    const ours = new URL(this.c.baseUrl);
    // Only WeChat Pay's own hosts get our signed request (the answer is signed, still).
    const weChatHost =
      url.protocol === 'https:' && /^api\d?\.mch\.weixin\.qq\.com$/.test(url.hostname);
    if (url.origin !== ours.origin && !weChatHost) {
      throw new WeChatPayError(200, 'BAD_ANSWER', `bill download from ${url.origin} refused`);
    }
    const pathAndQuery = `${url.pathname}${url.search}`;
    const res = await fetch(url, {
      headers: {
        Accept: 'application/json',
        'User-Agent': 'reloop',
        Authorization: authorizationHeader(this.c, this.privateKey, 'GET', pathAndQuery, ''),
      },
      signal: AbortSignal.timeout(60_000),
    });
    const file = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) {
      throw new WeChatPayError(res.status, 'DOWNLOAD_FAILED', file.toString('utf8').slice(0, 200));
    }
    if (createHash('sha1').update(file).digest('hex') !== bill.hash_value.toLowerCase()) {
      throw new WeChatPayError(200, 'BAD_HASH', `the bill of ${day} does not match its SHA1`);
    }
    return file.toString('utf8');
  }
}

/** RFC 3339 in China Standard Time, as WeChat Pay writes it (2024-05-01T12:00:00+08:00). */
export function rfc3339(d: Date): string {
  const cst = new Date(d.getTime() + 8 * 3_600_000);
  return `${cst.toISOString().slice(0, 19)}+08:00`;
}
