import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BigintColumn, TimestampColumn } from '../../core/data/columns.js';
import type { ShipmentAddress } from '../../core/jobs/job-catalogue.js';
import type { CertificateRef } from '../../core/read-models/erasure-certificates.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { GradeLabels, SellableGrade } from '../domain/grade-labels.js';

/** An item resale knows about: in the allocation pool (merchantId null) or a merchant's. */
@Entity('resale_inventory')
export class InventoryEntry {
  @PrimaryColumn({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'merchant_id', type: 'uuid', nullable: true }) merchantId: string | null;
  @Column({ type: 'text', nullable: true }) grade: string | null;
  @TimestampColumn('pooled_at') pooledAt: Date;
  @TimestampColumn('allocated_at', { nullable: true }) allocatedAt: Date | null;
  @Column({ name: 'allocated_by', type: 'uuid', nullable: true }) allocatedBy: string | null;
  @Column({ type: 'text', nullable: true }) allocation: 'admin' | 'claim' | null;
  @Column({ name: 'origin_custodian_kind', type: 'text', nullable: true })
  originCustodianKind: string | null;
  @Column({ name: 'origin_custodian_id', type: 'uuid', nullable: true })
  originCustodianId: string | null;
}

export type ListingState = 'DRAFT' | 'PUBLISHED' | 'RESERVED' | 'SOLD' | 'WITHDRAWN';

/** The inspection as a buyer sees it: the latest completed report, without who graded it. */
export interface InspectionSummary {
  inspectionId: string | null;
  grade: string | null;
  summary: string | null;
  score: number | null;
  standard: { code: string; version: number } | null;
  findings: Array<{ label: string; severity: string }>;
  completedAt: string;
}

/** A merchant's offer of one item on the public market (spec §3 Listing). */
@Entity('listings')
export class Listing extends StatefulEntity<ListingState> {
  @Column({ name: 'merchant_id', type: 'uuid' }) merchantId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'category_id', type: 'uuid', nullable: true }) categoryId: string | null;
  /** The category and its ancestors, so browsing a branch finds every leaf below it. */
  @Column({ name: 'category_ids', type: 'uuid', array: true }) categoryIds: string[];
  @Column({ name: 'product_model_id', type: 'uuid', nullable: true })
  productModelId: string | null;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text' }) description: string;
  /** Category names and brand, searched with the title (not shown). */
  @Column({ name: 'search_terms', type: 'text' }) searchTerms: string;
  @BigintColumn('price_minor') priceMinor: number;
  @Column({ type: 'text' }) currency: string;
  @BigintColumn('suggested_price_minor') suggestedPriceMinor: number;
  @BigintColumn('price_floor_minor') priceFloorMinor: number;
  @BigintColumn('price_ceiling_minor') priceCeilingMinor: number;
  @Column({ type: 'jsonb' }) valuation: Record<string, unknown>;
  @Column({ type: 'text' }) grade: SellableGrade;
  @Column({ name: 'grade_labels', type: 'jsonb' }) gradeLabels: GradeLabels;
  @Column({ type: 'jsonb', nullable: true }) inspection: InspectionSummary | null;
  @Column({ type: 'jsonb' }) certificates: CertificateRef[];
  @Column({ name: 'erasure_status', type: 'text' }) erasureStatus: string;
  @Column({ name: 'warranty_months', type: 'int' }) warrantyMonths: number;
  @Column({ name: 'return_window_days', type: 'int' }) returnWindowDays: number;
  @TimestampColumn('published_at', { nullable: true }) publishedAt: Date | null;
  @TimestampColumn('sold_at', { nullable: true }) soldAt: Date | null;
  @TimestampColumn('withdrawn_at', { nullable: true }) withdrawnAt: Date | null;
}

export type SaleOrderState =
  | 'PENDING_PAYMENT'
  | 'PAID'
  | 'SHIPPED'
  | 'DELIVERED'
  | 'RETURN_REQUESTED'
  | 'RETURN_PICKUP_FAILED'
  | 'RETURNED'
  | 'CANCELLED'
  | 'LOST';

/** One inspection report as both sides of a return dispute see it (no grader, no answers). */
export interface ReportSummary {
  inspectionId: string | null;
  grade: string | null;
  score: number | null;
  summary: string | null;
  completedAt: string;
  findings: Array<{ checkId: string; label: string; severity: string }>;
}

/** What the re-inspection of a returned item found against the report it was sold with. */
export interface ReturnEvidence {
  beforeSale: ReportSummary | null;
  afterReturn: ReportSummary | null;
  /** Findings worse after the return than before the sale: damage the buyer is charged for. */
  damage: Array<{ checkId: string; label: string; before: string; after: string }>;
  outcome: 'full-refund' | 'partial-refund';
  deductionMinor: number;
  basis: string;
}

export interface ReturnShipmentEvent {
  event: string;
  pickupId: string;
  at: string;
  reason: string | null;
}

/** A buyer's purchase of one listing (spec §3 SaleOrder). */
@Entity('sale_orders')
export class SaleOrder extends StatefulEntity<SaleOrderState> {
  @Column({ name: 'listing_id', type: 'uuid' }) listingId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'merchant_id', type: 'uuid' }) merchantId: string;
  @Column({ name: 'buyer_id', type: 'uuid' }) buyerId: string;
  @BigintColumn('price_minor') priceMinor: number;
  @Column({ type: 'text' }) currency: string;
  @Column({ name: 'grade_sold', type: 'text' }) gradeSold: SellableGrade;
  @Column({ name: 'shipping_address', type: 'jsonb' }) shippingAddress: ShipmentAddress;
  @TimestampColumn('reserved_until') reservedUntil: Date;
  @Column({ name: 'payment_provider', type: 'text', nullable: true })
  paymentProvider: string | null;
  @Column({ name: 'payment_intent_id', type: 'text', nullable: true })
  paymentIntentId: string | null;
  @Column({ name: 'payment_event_id', type: 'text', nullable: true })
  paymentEventId: string | null;
  @TimestampColumn('paid_at', { nullable: true }) paidAt: Date | null;
  @Column({ type: 'text', nullable: true }) carrier: string | null;
  @Column({ name: 'tracking_number', type: 'text', nullable: true })
  trackingNumber: string | null;
  @TimestampColumn('shipped_at', { nullable: true }) shippedAt: Date | null;
  @TimestampColumn('delivered_at', { nullable: true }) deliveredAt: Date | null;
  @Column({ name: 'return_window_days', type: 'int' }) returnWindowDays: number;
  @TimestampColumn('return_requested_at', { nullable: true }) returnRequestedAt: Date | null;
  @Column({ name: 'return_reason', type: 'text', nullable: true }) returnReason: string | null;
  @Column({ name: 'return_address', type: 'jsonb', nullable: true })
  returnAddress: ShipmentAddress | null;
  @Column({ name: 'return_pickup_id', type: 'uuid', nullable: true })
  returnPickupId: string | null;
  @Column({ name: 'return_shipment', type: 'jsonb' }) returnShipment: ReturnShipmentEvent[];
  @TimestampColumn('return_received_at', { nullable: true }) returnReceivedAt: Date | null;
  @Column({ name: 'return_grade', type: 'text', nullable: true }) returnGrade: string | null;
  @Column({ name: 'grade_mismatch', type: 'boolean', nullable: true })
  gradeMismatch: boolean | null;
  @TimestampColumn('returned_at', { nullable: true }) returnedAt: Date | null;
  @BigintColumn('refund_minor', { nullable: true }) refundMinor: number | null;
  @TimestampColumn('refunded_at', { nullable: true }) refundedAt: Date | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason: string | null;
  /** The registered carrier account that ships it: its signed tracking webhook proves delivery. */
  @Column({ name: 'carrier_account_id', type: 'uuid', nullable: true })
  carrierAccountId: string | null;
  @Column({ name: 'delivery_proof', type: 'text', nullable: true })
  deliveryProof: 'carrier' | 'buyer' | null;
  @Column({ name: 'delivery_event_id', type: 'text', nullable: true })
  deliveryEventId: string | null;
  @TimestampColumn('delivery_confirmation_requested_at', { nullable: true })
  deliveryConfirmationRequestedAt: Date | null;
  @TimestampColumn('lost_at', { nullable: true }) lostAt: Date | null;
  @Column({ name: 'lost_reported_by', type: 'text', nullable: true })
  lostReportedBy: string | null;
  @Column({ name: 'lost_reason', type: 'text', nullable: true }) lostReason: string | null;
  /** 1 for the first return pickup, +1 for each rebooking after one failed for good. */
  @Column({ name: 'return_round', type: 'int' }) returnRound: number;
  @Column({ name: 'return_evidence', type: 'jsonb', nullable: true })
  returnEvidence: ReturnEvidence | null;
  @BigintColumn('return_damage_minor', { nullable: true }) returnDamageMinor: number | null;
  @Column({ name: 'refund_id', type: 'text', nullable: true }) refundId: string | null;
  /** The idempotency key the refund was asked with (derived from this order and the cause). */
  @Column({ name: 'refund_key', type: 'text', nullable: true }) refundKey: string | null;
  /** Where the refund stands at the provider (issue 23: it runs as an outbox job). */
  @Column({ name: 'refund_status', type: 'text', nullable: true })
  refundStatus: 'pending' | 'succeeded' | 'failed' | null;
}
