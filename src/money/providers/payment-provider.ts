import type { IncomingHttpHeaders } from 'node:http';

/**
 * One interface for every payment provider (issue 23, point 2): buyers pay (an intent the
 * provider confirms asynchronously), buyers are refunded, sellers and merchants are paid out,
 * and the provider's daily statement is read for reconciliation. Which one runs is chosen by
 * PAYMENT_PROVIDER; the test provider is for development and demos only.
 */
export interface PaymentProvider {
  readonly name: string;
  /** The built-in test provider moves no money: production refuses to start with it. */
  readonly simulated: boolean;
  createIntent(order: {
    id: string;
    amountMinor: number;
    currency: string;
    expiresAt: Date;
    description: string;
  }): Promise<PaymentIntent>;
  /**
   * Refunds part or all of a payment. `refundNo` is our refund request number, derived from
   * our record: asked again with the same number, the provider answers the first refund and
   * moves no money.
   */
  refund(r: RefundRequest): Promise<ProviderAnswer>;
  /** Pays a seller or a merchant; `transferNo` (our transfer's id) is the idempotency key. */
  payout(p: PayoutRequest): Promise<ProviderAnswer>;
  /**
   * Providers that notify by their own signed scheme (not Reloop's webhook HMAC) verify it
   * here: the payment event, or a refusal (UnauthorizedException) that changes nothing.
   */
  verifyNotification?(headers: IncomingHttpHeaders, rawBody: Buffer): Promise<VerifiedNotification>;
  /**
   * Reads the provider's statement file of a day (its published bill format): its lines and
   * its own summary. A file that is not one (or does not add up) throws StatementFormatError.
   */
  parseStatement?(text: string): ProviderStatement;
  /**
   * Downloads the statement file of a day (YYYY-MM-DD, the provider's time zone); null when the
   * provider has none because nothing happened that day. StatementNotReady while it is being
   * made (asked again later).
   */
  fetchStatement?(day: string): Promise<string | null>;
}

export interface PaymentIntent {
  provider: string;
  intentId: string;
  amountMinor: number;
  currency: string;
  /** The buyer must pay before this; the reservation ends then. */
  expiresAt: string;
  /** How the buyer pays (e.g. a QR code URL) and where the provider confirms. */
  confirmation: { webhook: string; eventType: string; codeUrl?: string };
}

/** The payment event a provider's verified notification carries. */
export interface PaymentConfirmation {
  intentId: string;
  amountMinor: number;
  currency: string;
}

export interface VerifiedNotification {
  /** The provider's notification id (deduplicates a resend). */
  eventId: string;
  /** PAYMENT_SUCCEEDED, or the provider's own event type (stored, nothing else done). */
  type: string;
  data: PaymentConfirmation & { providerRef: string | null };
  payload: Record<string, unknown>;
}

export interface RefundRequest {
  refundNo: string;
  /** Our id of the payment (the intent / out_trade_no). */
  intentId: string;
  amountMinor: number;
  /** The payment's whole amount (some providers check a refund against it). */
  totalMinor: number;
  currency: string;
  reason: string;
}

export interface PayoutRequest {
  transferNo: string;
  /** The payee's account at this provider (e.g. a WeChat openid), when it needs one. */
  payeeAccount: string | null;
  payeeName: string | null;
  amountMinor: number;
  currency: string;
  remark: string;
}

/**
 * The provider's answer, recorded as given: done, still in progress at the provider (asked
 * again later), or refused for good.
 */
export interface ProviderAnswer {
  status: 'succeeded' | 'processing' | 'failed';
  providerRef: string | null;
  reason?: string;
  raw: Record<string, unknown>;
}

/** A statement file read: its lines, and the count and totals it prints at its end. */
export interface ProviderStatement {
  lines: StatementLine[];
  totals: { lines: number; paymentsMinor: number; refundsMinor: number };
}

/** One line of a provider's statement: a payment or a refund, in minor units. */
export interface StatementLine {
  kind: 'payment' | 'refund';
  /** Our number: the payment's intent id, or the refund request number. */
  ourRef: string;
  providerRef: string;
  amountMinor: number;
  currency: string;
  /** When it happened at the provider (ISO 8601 with offset). */
  at: string;
  raw: Record<string, string>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
export const PAYMENT_SUCCEEDED = 'payment.succeeded';

/** A payee without an account at the provider: the payout waits until one is recorded. */
export class PayeeAccountMissing extends Error {
  override name = 'PayeeAccountMissing';
}

/** A statement file that is not in the provider's format, or whose lines do not add up. */
export class StatementFormatError extends Error {
  override name = 'StatementFormatError';
}

/** The provider is still making the day's statement: ask again later. */
export class StatementNotReady extends Error {
  override name = 'StatementNotReady';
}
