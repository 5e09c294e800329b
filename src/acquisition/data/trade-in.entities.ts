import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ShipmentAddress, ShipmentUpdatePayload } from '../../core/jobs/job-catalogue.js';
import type { Grade } from '../../core/items/item.entity.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { FraudAssessment } from '../../valuation/engine/fraud.js';
import type { DifferenceExplanation } from '../../valuation/engine/explain.js';
import type { ItemValuation } from '../../valuation/valuation.service.js';
import { BigintColumn, CreatedAt, TimestampColumn, UpdatedAt } from '../../core/data/columns.js';
import type { TradeInItemState, TradeInOrderState } from '../domain/trade-in.machines.js';

export type TradeInChannel = 'online' | 'store';

export interface HoldReason {
  code: string;
  detail: string;
  at: string;
  itemId?: string;
}

/** An owner's trade-in of 1–20 items (spec §3 TradeInOrder). */
/** The latest news of an order's inbound pickup, as logistics last reported it. */
export interface TradeInPickupNews {
  pickupId: string;
  lastEvent: ShipmentUpdatePayload['event'];
  promisedWindow: ShipmentUpdatePayload['promisedWindow'];
  reason: string | null;
  sealNumber: string | null;
  at: string;
}

@Entity('trade_in_orders')
export class TradeInOrder extends StatefulEntity<TradeInOrderState> {
  @Column({ name: 'customer_id', type: 'uuid' }) customerId: string;
  @Column({ type: 'text' }) channel: TradeInChannel;
  /** The drop-off store (channel 'store'). */
  @Column({ name: 'store_id', type: 'uuid', nullable: true }) storeId: string | null;
  /** The store's organisation, whose staff take the items in. */
  @Column({ name: 'store_organisation_id', type: 'uuid', nullable: true })
  storeOrganisationId: string | null;
  /** Where the items are collected (online) and where rejected items go back. */
  @Column({ type: 'jsonb' }) address: ShipmentAddress;
  @Column({ name: 'service_area', type: 'jsonb', nullable: true })
  serviceArea: {
    cityCode: string;
    cityName: string;
    districtCode: string;
    districtName: string;
  } | null;
  @Column({ type: 'text' }) currency: string;
  @BigintColumn('quoted_total_minor', { nullable: true }) quotedTotalMinor: number | null;
  @TimestampColumn('quoted_at', { nullable: true }) quotedAt: Date | null;
  @TimestampColumn('quote_valid_until', { nullable: true }) quoteValidUntil: Date | null;
  @TimestampColumn('accepted_at', { nullable: true }) acceptedAt: Date | null;
  @TimestampColumn('collected_at', { nullable: true }) collectedAt: Date | null;
  @TimestampColumn('settled_at', { nullable: true }) settledAt: Date | null;
  /** The latest inbound shipment news from logistics (pickup id, promised window). */
  @Column({ type: 'jsonb', nullable: true }) pickup: TradeInPickupNews | null;
  /** Held for review (fraud signal or a grading hold): no accept, no payout until released. */
  @Column({ type: 'boolean' }) held: boolean;
  @Column({ name: 'hold_reasons', type: 'jsonb' }) holdReasons: HoldReason[];
  @Column({ type: 'jsonb' }) fraud: FraudAssessment | Record<string, never>;
}

/** One item of a trade-in: its quote, its final offer and why they differ. */
@Entity('trade_in_items')
export class TradeInItem extends StatefulEntity<TradeInItemState> {
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'customer_id', type: 'uuid' }) customerId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ type: 'int' }) position: number;
  @Column({ name: 'product_model_id', type: 'uuid', nullable: true }) productModelId: string | null;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId: string;
  /** The product model's variant the owner chose (`product_variants.code`): its price point. */
  @Column({ type: 'text', nullable: true }) variant: string | null;
  @Column({ name: 'special_packaging', type: 'boolean' }) specialPackaging: boolean;
  @Column({ name: 'declared_condition', type: 'jsonb' })
  declaredCondition: Record<string, unknown>;
  @Column({ name: 'serial_number', type: 'text', nullable: true }) serialNumber: string | null;
  @Column({ type: 'text', nullable: true }) imei: string | null;
  @Column({ name: 'serial_norm', type: 'text', nullable: true }) serialNorm: string | null;
  @Column({ name: 'imei_norm', type: 'text', nullable: true }) imeiNorm: string | null;
  @Column({ type: 'jsonb', nullable: true }) quote: ItemValuation | null;
  @BigintColumn('quoted_minor', { nullable: true }) quotedMinor: number | null;
  @Column({ type: 'jsonb', nullable: true }) final: ItemValuation | null;
  @BigintColumn('final_minor', { nullable: true }) finalMinor: number | null;
  @Column({ type: 'jsonb', nullable: true }) explanation: OfferExplanation | null;
  @Column({ name: 'inspection_id', type: 'uuid', nullable: true }) inspectionId: string | null;
  @Column({ type: 'text', nullable: true }) grade: Grade | null;
  @Column({ name: 'confirmed_by_second_grader', type: 'boolean' }) confirmedBySecondGrader: boolean;
  @Column({ name: 'warehouse_id', type: 'uuid', nullable: true }) warehouseId: string | null;
  @TimestampColumn('received_at', { nullable: true }) receivedAt: Date | null;
  /** Until when the owner may answer a final offer below the quote (then it goes back free). */
  @TimestampColumn('offer_valid_until', { nullable: true }) offerValidUntil: Date | null;
  /** A store drop-off on its way back: since when it waits at the store's counter. */
  @TimestampColumn('at_store_since', { nullable: true }) atStoreSince: Date | null;
  @Column({ name: 'payout_frozen', type: 'boolean' }) payoutFrozen: boolean;
  @Column({ name: 'frozen_reason', type: 'text', nullable: true }) frozenReason: string | null;
  /** A car whose mileage is flagged (rollback, implausible): no payout until a person decides. */
  @Column({ name: 'mileage_hold', type: 'boolean', default: false }) mileageHold: boolean;
  @Column({ name: 'mileage_hold_detail', type: 'jsonb', nullable: true })
  mileageHoldDetail: {
    vin: string;
    status: string;
    evidence: Array<{ kind: string; message: string }>;
    heldAt: string;
  } | null;
  @Column({ name: 'mileage_decision', type: 'jsonb', nullable: true })
  mileageDecision: {
    decision: 'release';
    note: string;
    by: string | null;
    role: string;
    at: string;
  } | null;
}

/** Why the final price differs from the quote: each line points to a check and a rule. */
export interface OfferExplanation extends DifferenceExplanation {
  lines: Array<
    DifferenceExplanation['lines'][number] & {
      cause: {
        kind: 'inspection-check' | 'inspection-grade' | 'rounding' | 'other';
        inspectionId: string;
        checkId: string | null;
        rule: string | null;
        standard: string;
        detail: string;
      };
    }
  >;
}

/** Money owed to the owner for one accepted item (integer minor units), created exactly once. */
@Entity('trade_in_payouts')
export class TradeInPayout {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'trade_in_item_id', type: 'uuid' }) tradeInItemId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'customer_id', type: 'uuid' }) customerId: string;
  @BigintColumn('amount_minor') amountMinor: number;
  @Column({ type: 'text' }) currency: string;
  /**
   * 'frozen' while a receiving exception or a mileage hold is open for the item; 'paid' once
   * the provider paid the seller; 'failed' when it refused for good (a support case is open).
   */
  @Column({ type: 'text' }) status: 'payable' | 'frozen' | 'paid' | 'failed';
  @TimestampColumn('paid_at', { nullable: true }) paidAt: Date | null;
  /** The provider's id of the transfer that paid it. */
  @Column({ name: 'provider_ref', type: 'text', nullable: true }) providerRef: string | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/** Serials / IMEIs reported lost, stolen or financed (admin-managed); normalised. */
@Entity('identifier_blocklist')
export class BlockedIdentifier {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) identifier: string;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreatedAt() createdAt: Date;
}
