/**
 * What owners are told, in Chinese (the default) and English (issue 25). Each template turns the
 * job's params into a subject and a plain-text body; the stages only name the template.
 */
export const NOTIFICATION_LANGUAGES = ['zh-CN', 'en'] as const;
export type NotificationLanguage = (typeof NOTIFICATION_LANGUAGES)[number];

/**
 * `account`: security messages (reset codes) that go even to owners who opted out;
 * `orders`: news about their orders, which an opt-out stops.
 */
export type TemplateCategory = 'account' | 'orders';

export interface RenderContext {
  /** The platform's public address, for links. */
  baseUrl: string;
}

export interface RenderedMessage {
  subject: string;
  text: string;
}

type Params = Record<string, unknown>;

/** A param as text: strings and numbers as they are, anything else as `fallback`. */
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}
type Words = (p: Params, f: Format, ctx: RenderContext) => RenderedMessage;

interface Template {
  category: TemplateCategory;
  /** The params a message cannot be written without. */
  needs: string[];
  'zh-CN': Words;
  en: Words;
}

/** Formatting in the reader's language; times in Beijing time, money in yuan. */
export class Format {
  constructor(readonly language: NotificationLanguage) {}

  money(minor: unknown, currency: unknown = 'CNY'): string {
    const amount = Number(minor) / 100;
    if (!Number.isFinite(amount)) return String(minor);
    return new Intl.NumberFormat(this.language, {
      style: 'currency',
      currency: typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : 'CNY',
      currencyDisplay: 'narrowSymbol',
    }).format(amount);
  }

  time(iso: unknown): string {
    const date = new Date(String(iso));
    if (Number.isNaN(date.getTime())) return String(iso);
    const text = new Intl.DateTimeFormat(this.language === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(date);
    return this.language === 'en' ? `${text} (Beijing time)` : `${text}（北京时间）`;
  }

  window(w: unknown): string {
    const { start, end } = (w ?? {}) as { start?: string; end?: string };
    if (!start || !end) return '';
    const endTime = new Intl.DateTimeFormat(this.language === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: 'Asia/Shanghai',
      timeStyle: 'short',
    }).format(new Date(end));
    return this.language === 'en'
      ? `${this.time(start).replace(' (Beijing time)', '')}–${endTime} (Beijing time)`
      : `${this.time(start).replace('（北京时间）', '')}–${endTime}（北京时间）`;
  }

  short(id: unknown): string {
    return str(id).slice(0, 8);
  }
}

const consoleLink = (ctx: RenderContext) => `${ctx.baseUrl}/console/`;
const zhFooter = (ctx: RenderContext) => `\n\n查看详情：${consoleLink(ctx)}\n—— Reloop 回收`;
const enFooter = (ctx: RenderContext) => `\n\nDetails: ${consoleLink(ctx)}\n— Reloop`;

const msg = (subject: string, body: string, footer: string): RenderedMessage => ({
  subject,
  text: `${body}${footer}\n`,
});

export const TEMPLATES: Record<string, Template> = {
  'trade-in-quoted': {
    category: 'orders',
    needs: ['orderId', 'quotedTotalMinor'],
    'zh-CN': (p, f, c) =>
      msg(
        `您的回收报价已出：${f.money(p.quotedTotalMinor)}`,
        `您好！订单 ${f.short(p.orderId)} 的报价为 ${f.money(p.quotedTotalMinor)}，有效期至 ${f.time(p.validUntil)}。确认报价后，我们会为您安排上门取件。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        `Your trade-in quote is ready: ${f.money(p.quotedTotalMinor)}`,
        `Hello! Your order ${f.short(p.orderId)} is quoted at ${f.money(p.quotedTotalMinor)}, valid until ${f.time(p.validUntil)}. Accept it and we will book a pickup.`,
        enFooter(c),
      ),
  },
  'pickup-scheduled': {
    category: 'orders',
    needs: ['pickupId'],
    'zh-CN': (p, f, c) =>
      msg(
        '上门取件已预约',
        `您的取件已预约，快递员将在 ${f.window(p.promisedWindow)} 上门。请备好物品。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Your pickup is booked',
        `Your pickup is booked: the courier comes ${f.window(p.promisedWindow)}. Please have the items ready.`,
        enFooter(c),
      ),
  },
  'pickup-rescheduled': {
    category: 'orders',
    needs: ['pickupId'],
    'zh-CN': (p, f, c) =>
      msg(
        '取件时间已变更',
        `上次取件未能完成，我们已为您重新预约：${f.window(p.promisedWindow)}。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Your pickup has a new time',
        `The last pickup attempt did not succeed; we booked a new one: ${f.window(p.promisedWindow)}.`,
        enFooter(c),
      ),
  },
  'pickup-moved': {
    category: 'orders',
    needs: ['pickupId'],
    'zh-CN': (p, f, c) =>
      msg(
        '取件时间已按您的同意变更',
        `经${str(p.agreedBy, '您')}${p.channel === 'phone' ? '电话' : '当面'}同意，快递员将改在 ${f.window(p.promisedWindow)} 上门取件。如与您的约定不符，请联系客服。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Your pickup time was changed as agreed',
        `As agreed ${p.channel === 'phone' ? 'on the phone' : 'in person'} (${str(p.agreedBy, 'you')}), the courier now comes ${f.window(p.promisedWindow)}. If this is not what you agreed, please contact customer service.`,
        enFooter(c),
      ),
  },
  'pickup-en-route': {
    category: 'orders',
    needs: ['pickupId'],
    'zh-CN': (p, f, c) =>
      msg(
        '快递员正在赶来',
        `快递员已出发，正在前往您的地址（预约时间 ${f.window(p.promisedWindow)}）。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Your courier is on the way',
        `The courier has set off and is on the way to you (booked for ${f.window(p.promisedWindow)}).`,
        enFooter(c),
      ),
  },
  'pickup-late': {
    category: 'orders',
    needs: ['pickupId'],
    'zh-CN': (p, f, c) =>
      msg(
        '取件晚于预约时间',
        `抱歉，您的取件晚于预约时间 ${f.window(p.promisedWindow)}。客服已在跟进。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Your pickup is late',
        `Sorry, your pickup is later than the booked time ${f.window(p.promisedWindow)}. Customer service is on it.`,
        enFooter(c),
      ),
  },
  'pickup-cancelled': {
    category: 'orders',
    needs: ['pickupId'],
    'zh-CN': (_p, _f, c) =>
      msg('取件已取消', '多次尝试后取件仍未完成，已取消。客服会与您联系。', zhFooter(c)),
    en: (_p, _f, c) =>
      msg(
        'Your pickup was cancelled',
        'After several attempts the pickup could not be done and was cancelled. Customer service will contact you.',
        enFooter(c),
      ),
  },
  'trade-in-offer-pending': {
    category: 'orders',
    needs: ['orderId', 'finalMinor'],
    'zh-CN': (p, f, c) =>
      msg(
        `检测后的最终报价：${f.money(p.finalMinor)}`,
        `您的物品已检测完毕。最终报价为 ${f.money(p.finalMinor)}（原报价 ${f.money(p.quotedMinor)}）。请在 ${f.time(p.validUntil)} 前接受或拒绝；拒绝后我们将免费退回物品。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        `Final offer after inspection: ${f.money(p.finalMinor)}`,
        `Your item has been inspected. Our final offer is ${f.money(p.finalMinor)} (quoted ${f.money(p.quotedMinor)}). Accept or decline before ${f.time(p.validUntil)}; if you decline, we return the item free of charge.`,
        enFooter(c),
      ),
  },
  'trade-in-offer-expired': {
    category: 'orders',
    needs: ['orderId'],
    'zh-CN': (_p, _f, c) =>
      msg('最终报价已过期', '您未在有效期内答复最终报价，我们将免费把物品退回给您。', zhFooter(c)),
    en: (_p, _f, c) =>
      msg(
        'The final offer has expired',
        'You did not answer the final offer in time, so we are returning the item to you free of charge.',
        enFooter(c),
      ),
  },
  'trade-in-payout': {
    category: 'orders',
    needs: ['orderId', 'amountMinor'],
    'zh-CN': (p, f, c) =>
      msg(
        `回收款已打款：${f.money(p.amountMinor, p.currency)}`,
        `订单 ${f.short(p.orderId)} 的回收款 ${f.money(p.amountMinor, p.currency)} 已支付，请留意到账。感谢您选择 Reloop！`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        `Payout sent: ${f.money(p.amountMinor, p.currency)}`,
        `We have paid ${f.money(p.amountMinor, p.currency)} for order ${f.short(p.orderId)}. Thank you for choosing Reloop!`,
        enFooter(c),
      ),
  },
  'trade-in-return-at-store': {
    category: 'orders',
    needs: ['orderId'],
    'zh-CN': (_p, _f, c) =>
      msg('物品可到门店取回', '您的物品已退回至门店，请携带订单信息前往领取。', zhFooter(c)),
    en: (_p, _f, c) =>
      msg(
        'Your items are waiting at the store',
        'Your items are back at the store: bring your order details to collect them.',
        enFooter(c),
      ),
  },
  'erasure-certified': {
    category: 'orders',
    needs: ['traceCode'],
    'zh-CN': (p, _f, c) =>
      msg(
        '数据已清除并出具证书',
        `物品 ${str(p.traceCode)} 上的数据已按标准清除，清除证书已签发。`,
        zhFooter(c),
      ),
    en: (p, _f, c) =>
      msg(
        'Your data was erased',
        `The data on item ${str(p.traceCode)} was erased to standard and a certificate was issued.`,
        enFooter(c),
      ),
  },
  'sale-order-shipped': {
    category: 'orders',
    needs: ['saleOrderId'],
    'zh-CN': (p, f, c) =>
      msg(
        '您购买的商品已发货',
        `订单 ${f.short(p.saleOrderId)} 已发货：${str(p.carrier)} 运单号 ${str(p.trackingNumber)}。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Your purchase has shipped',
        `Order ${f.short(p.saleOrderId)} has shipped with ${str(p.carrier)}, tracking number ${str(p.trackingNumber)}.`,
        enFooter(c),
      ),
  },
  'sale-order-confirm-delivery': {
    category: 'orders',
    needs: ['saleOrderId'],
    'zh-CN': (p, f, c) =>
      msg(
        '请确认收货',
        `订单 ${f.short(p.saleOrderId)} 显示已送达，收到后请确认收货。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Please confirm delivery',
        `Order ${f.short(p.saleOrderId)} should have arrived: please confirm once you have it.`,
        enFooter(c),
      ),
  },
  'sale-order-return-received': {
    category: 'orders',
    needs: ['saleOrderId'],
    'zh-CN': (p, f, c) =>
      msg(
        '我们已收到您的退货',
        `订单 ${f.short(p.saleOrderId)} 的退货已到达仓库，检测后将为您退款。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'We have received your return',
        `The return of order ${f.short(p.saleOrderId)} has arrived at our warehouse; we refund you once it is inspected.`,
        enFooter(c),
      ),
  },
  'sale-order-return-pickup-failed': {
    category: 'orders',
    needs: ['saleOrderId'],
    'zh-CN': (p, f, c) =>
      msg(
        '退货取件未能完成',
        `订单 ${f.short(p.saleOrderId)} 的退货取件多次未能完成，客服会与您联系重新安排。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'The return pickup could not be done',
        `The return pickup for order ${f.short(p.saleOrderId)} failed several times; customer service will contact you to rebook it.`,
        enFooter(c),
      ),
  },
  'sale-order-refunded': {
    category: 'orders',
    needs: ['saleOrderId', 'amountMinor'],
    'zh-CN': (p, f, c) =>
      msg(
        `退款 ${f.money(p.amountMinor, p.currency)} 已发起`,
        `订单 ${f.short(p.saleOrderId)} 的退款 ${f.money(p.amountMinor, p.currency)} 已原路退回。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        `Refund of ${f.money(p.amountMinor, p.currency)} on its way`,
        `We have refunded ${f.money(p.amountMinor, p.currency)} for order ${f.short(p.saleOrderId)} to the way you paid.`,
        enFooter(c),
      ),
  },
  'sale-order-partially-refunded': {
    category: 'orders',
    needs: ['saleOrderId', 'amountMinor'],
    'zh-CN': (p, f, c) =>
      msg(
        `部分退款 ${f.money(p.amountMinor, p.currency)}`,
        `订单 ${f.short(p.saleOrderId)} 退回的商品有新的损坏，扣除 ${f.money(p.deductionMinor, p.currency)} 后退款 ${f.money(p.amountMinor, p.currency)}。如有异议可发起申诉。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        `Partial refund of ${f.money(p.amountMinor, p.currency)}`,
        `The item returned on order ${f.short(p.saleOrderId)} has new damage: ${f.money(p.deductionMinor, p.currency)} was deducted and ${f.money(p.amountMinor, p.currency)} refunded. You can dispute this.`,
        enFooter(c),
      ),
  },
  'sale-order-lost-refunded': {
    category: 'orders',
    needs: ['saleOrderId', 'amountMinor'],
    'zh-CN': (p, f, c) =>
      msg(
        '包裹丢失，已全额退款',
        `很抱歉，订单 ${f.short(p.saleOrderId)} 的包裹在运输中丢失，已全额退款 ${f.money(p.amountMinor, p.currency)}。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Parcel lost: fully refunded',
        `We are sorry: the parcel of order ${f.short(p.saleOrderId)} was lost in transit. We refunded ${f.money(p.amountMinor, p.currency)} in full.`,
        enFooter(c),
      ),
  },
  'sale-order-cancelled': {
    category: 'orders',
    needs: ['saleOrderId'],
    'zh-CN': (p, f, c) =>
      msg(
        '订单已取消',
        `订单 ${f.short(p.saleOrderId)} 已取消：您预订的商品已下架，您未被扣款。`,
        zhFooter(c),
      ),
    en: (p, f, c) =>
      msg(
        'Your order was cancelled',
        `Order ${f.short(p.saleOrderId)} was cancelled: the item you reserved was withdrawn from sale and you have not been charged.`,
        enFooter(c),
      ),
  },
  'password-reset-code': {
    category: 'account',
    needs: ['code'],
    'zh-CN': (p) =>
      msg(
        `Reloop 验证码：${str(p.code)}`,
        `您正在重置 Reloop 密码，验证码为 ${str(p.code)}，${str(p.expiresInMinutes, '15')} 分钟内有效。如非本人操作，请忽略本邮件，您的密码不会改变。`,
        '\n\n—— Reloop 回收',
      ),
    en: (p) =>
      msg(
        `Your Reloop code: ${str(p.code)}`,
        `Your code to reset your Reloop password is ${str(p.code)}, valid for ${str(p.expiresInMinutes, '15')} minutes. If you did not ask for it, ignore this e-mail: your password stays as it is.`,
        '\n\n— Reloop',
      ),
  },
  'sign-up-code': {
    category: 'account',
    needs: ['code'],
    'zh-CN': (p) =>
      msg(
        `【Reloop 回收】验证码 ${str(p.code)}`,
        `您正在注册 Reloop 回收账号，验证码 ${str(p.code)}，${str(p.expiresInMinutes, '15')} 分钟内有效。请勿告诉他人。`,
        '',
      ),
    en: (p) =>
      msg(
        `[Reloop] Code ${str(p.code)}`,
        `Your code to sign up to Reloop is ${str(p.code)}, valid for ${str(p.expiresInMinutes, '15')} minutes. Do not share it.`,
        '',
      ),
  },
};

/** Templates whose params must not be kept in the notification's stored body (secrets). */
export const SECRET_TEMPLATES = new Set(['password-reset-code', 'sign-up-code']);

/** The message for a template, or null when the template is unknown or its params incomplete. */
export function renderNotification(
  template: string,
  language: NotificationLanguage,
  params: Params,
  ctx: RenderContext,
): (RenderedMessage & { category: TemplateCategory }) | null {
  const t = TEMPLATES[template];
  if (!t) return null;
  if (t.needs.some((k) => params[k] === undefined || params[k] === null)) return null;
  return { ...t[language](params, new Format(language), ctx), category: t.category };
}
