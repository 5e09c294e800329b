import type { Money, Stateful } from './types.js';

/** Resale's shapes as the API returns them (src/resale). */
export interface GradeLabels {
  tier: 'A' | 'B' | 'C' | 'D';
  platform: 'premium' | 'good';
  backMarket: string;
  amazonRenewed: string;
  gbt45656: { level: number; label: string };
  chengxin: string;
}

export interface InspectionSummary {
  grade: string | null;
  summary: string | null;
  score: number | null;
  standard: { code: string; version: number } | null;
  findings: Array<{ label: string; severity: string }>;
  completedAt: string;
}

export interface CertificateRef {
  number: string;
  level: string | null;
  issuedAt: string;
}

export interface InventoryEntry {
  itemId: string;
  traceCode: string;
  categoryId: string | null;
  productModelId: string | null;
  grade: string | null;
  erasureStatus: string;
  itemState: string;
  merchantId: string | null;
  pooledAt: string;
  allocatedAt: string | null;
  liveListingId: string | null;
  /** What the merchant calls it, beside the trace code on its label. */
  model: { brand: string; name: string } | null;
}

export interface Listing extends Stateful {
  itemId: string;
  /** On GET /listings/:id: its photos, in the order the market shows them. */
  photos?: Array<{ id: string }>;
  title: string;
  description: string;
  price: Money;
  pricing: {
    suggestedMinor: number | null;
    floorMinor: number | null;
    ceilingMinor: number | null;
  };
  grade: string;
  gradeLabels: GradeLabels;
  inspection: InspectionSummary | null;
  certificates: CertificateRef[];
  erasureStatus: string;
  warrantyMonths: number;
  returnWindowDays: number;
  publishedAt: string | null;
  createdAt: string;
}

export interface Address {
  cityCode: string;
  districtCode: string;
  line1: string;
  line2?: string;
  contactName: string;
  contactPhone: string;
}

export interface SaleOrder extends Stateful {
  listingId: string;
  itemId: string;
  /** On lists: the item sold, by model and trace code. */
  item?: { traceCode: string; model: { brand: string; name: string } | null };
  price: Money;
  gradeSold: string;
  shippingAddress: Address;
  reservedUntil: string | null;
  payment: { provider: string | null; intentId?: string | null; paidAt: string | null };
  shipment: { carrier: string | null; trackingNumber: string | null; shippedAt: string | null };
  deliveredAt: string | null;
  returnDeadline: string | null;
  return: {
    requestedAt: string;
    reason: string;
    receivedAt: string | null;
    grade: string | null;
    gradeMismatch: boolean | null;
    returnedAt: string | null;
    evidence?: ReturnEvidence | null;
    damageMinor?: number | null;
  } | null;
  deliveryProof?: 'carrier' | 'buyer' | null;
  refund: (Money & { refundedAt: string | null }) | null;
  cancelReason: string | null;
  createdAt: string;
}

export interface ReportSummary {
  grade: string | null;
  score: number | null;
  summary: string | null;
  completedAt: string;
  findings: Array<{ checkId: string; label: string; severity: string }>;
}

/** The two inspection reports side by side, and what the buyer was charged for. */
export interface ReturnEvidence {
  beforeSale: ReportSummary | null;
  afterReturn: ReportSummary | null;
  damage: Array<{ checkId: string; label: string; before: string; after: string }>;
  outcome: 'full-refund' | 'partial-refund';
  deductionMinor: number;
  basis: string;
}

export interface MarketListing {
  id: string;
  available: boolean;
  title: string;
  description: string;
  categoryId: string | null;
  price: Money;
  grade: string;
  gradeLabels: GradeLabels;
  inspection: InspectionSummary | null;
  erasure: { status: string; certificates: CertificateRef[] };
  warrantyMonths: number;
  returnWindowDays: number;
  merchant: { id: string; name: string | null };
  traceCode: string | null;
  /** Public photos: thumbnails at /api/v1/market/photos/{id}/thumbnail. */
  photos?: Array<{ id: string; width: number; height: number }>;
  publishedAt: string;
}

export interface PaymentIntent {
  provider: string;
  intentId: string;
  amountMinor: number;
  currency: string;
  expiresAt: string;
  /** Set when the server allows completing the payment from the client (test mode only). */
  testMode?: boolean;
  testPaymentPath?: string;
}

/** Yuan as typed ("1299.5") → minor units, or NaN. */
export function toMinor(text: string): number {
  const t = text.trim().replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 100);
}

export function fromMinor(minor: number | null | undefined): string {
  return minor === null || minor === undefined ? '' : (minor / 100).toFixed(2);
}
