import { defineJob, type JobDef } from './job-definition.js';

/**
 * The one catalogue of background jobs: every hand-off between stages and every timer.
 * A producer writes `job(SomeJob, payload)` into the outbox; the consuming module registers
 * exactly one handler for it. Payload types live here so that producer and consumer agree
 * without importing each other. A job type joins JOB_CATALOGUE (at the bottom) in the same
 * change that registers its handler: a worker refuses to start while a listed job has none.
 */

/** Owner notification (SMS / e-mail) through the notification provider. */
export const NotifyOwner = defineJob<{
  userId: string;
  template: string;
  params: Record<string, unknown>;
}>('notify-owner', 'notifications');

/**
 * A one-time sign-up code to a phone that has no account yet (issue 22): sent on the owner
 * channel when it reaches phones, never recorded with its code.
 */
export const SendSignUpCode = defineJob<{
  phone: string;
  code: string;
  language: 'zh-CN' | 'en';
  expiresInMinutes: number;
}>('send-sign-up-code', 'notifications');

// ---- shared payload parts -------------------------------------------------------------------

export interface ShipmentAddress {
  cityCode: string;
  districtCode: string;
  line1: string;
  line2?: string;
  /** WGS-84/GCJ-02 coordinates when the address was picked on a map (route planning). */
  lat?: number;
  lng?: number;
  contactName: string;
  /** E.164 */
  contactPhone: string;
}

/** The stage entity a shipment or case belongs to. */
export interface SourceRef {
  kind: 'trade-in' | 'sale-order' | 'store-intake';
  id: string;
}

// ---- acquisition and valuation (own timers and work) ----------------------------------------

/** Price every item of a new trade-in order from the owner's description (QUOTING → QUOTED). */
export const QuoteTradeIn = defineJob<{ orderId: string }>('quote-trade-in', 'valuation');

/** A quote reached the end of its validity: expire the order if it is still only quoted. */
export const ExpireTradeInQuote = defineJob<{ orderId: string }>(
  'expire-trade-in-quote',
  'workflow',
);

/**
 * A final offer below the quote went unanswered for its validity: the item goes back to its
 * owner free (the offer's named timeout outcome). Re-checks the item's state when it runs.
 */
export const ExpireTradeInOffer = defineJob<{ tradeInItemId: string }>(
  'expire-trade-in-offer',
  'workflow',
);

/** Refit the valuation parameters from the sales history (scheduled, or asked by an admin). */
export const RefitValuation = defineJob<{
  trigger: 'scheduled' | 'admin' | 'seed';
  requestedBy: string | null;
}>('refit-valuation', 'valuation', { attempts: 3 });

// ---- acquisition → logistics ----------------------------------------------------------------

/** Ask logistics for a shipment: collect from the owner, return to the owner, or a buyer return. */
export const SchedulePickup = defineJob<{
  direction: 'inbound' | 'return-to-owner' | 'buyer-return';
  source: SourceRef;
  /** The customer who hands the items over (inbound, buyer-return) or receives them back. */
  customerId: string;
  itemIds: string[];
  address: ShipmentAddress;
  /** Destination warehouse (inbound) or origin warehouse (return-to-owner); null: logistics picks. */
  warehouseId: string | null;
  /** When the customer asked (ISO): the SLA promise is computed from this instant. */
  requestedAt: string;
  /** Luxury goods: tamper-evident bag with a seal number recorded at collection. */
  specialPackaging: boolean;
  /** Vehicles: inspected at the address and driven in instead of bagged (default 'parcel'). */
  mode?: 'parcel' | 'inspection-at-address';
  /** A new pickup for the same source after the previous one failed for good (default 1). */
  round?: number;
  /**
   * return-to-owner of a store drop-off: the store organisation the items go back to; the
   * owner collects them over its counter (the address is the store's).
   */
  storeId?: string | null;
  /**
   * The window the owner chose at acceptance (local day, window index). Booked when it still
   * has room; otherwise the pickup rolls to the earliest free window, as without a choice.
   */
  window?: { date: string; windowIndex: number };
}>('schedule-pickup', 'dispatch');

// ---- logistics timers -----------------------------------------------------------------------

/** Assign scheduled pickups to the couriers of their area (repeating, and kicked on change). */
export const DispatchPickups = defineJob<{ cityCode: string | null }>(
  'dispatch-pickups',
  'dispatch',
);

/** SLA timer at the end of a promised window: a pickup not collected by then is late. */
export const CheckPickupSla = defineJob<{
  pickupId: string;
  attempt: number;
  /** The window end it was set for (ISO): a timer of a window since moved does nothing. */
  windowEnd?: string;
}>('check-pickup-sla', 'dispatch');

/** The shipment is no longer wanted (e.g. a trade-in cancelled before collection). */
export const CancelPickup = defineJob<{
  source: SourceRef;
  direction: 'inbound' | 'return-to-owner' | 'buyer-return';
  reason: string;
}>('cancel-pickup', 'dispatch');

// ---- logistics → the stage that asked for the shipment --------------------------------------

export interface ShipmentUpdatePayload {
  pickupId: string;
  source: SourceRef;
  direction: 'inbound' | 'return-to-owner' | 'buyer-return';
  event: 'scheduled' | 'collected' | 'delivered' | 'failed' | 'cancelled';
  itemIds: string[];
  sealNumber: string | null;
  warehouseId: string | null;
  promisedWindow: { start: string; end: string } | null;
  reason: string | null;
  at: string;
}
/** Progress of a trade-in's shipment (handled by acquisition). */
export const TradeInShipmentUpdate = defineJob<ShipmentUpdatePayload>(
  'trade-in-shipment-update',
  'workflow',
);
/** Progress of a buyer return's shipment (handled by resale). */
export const SaleOrderShipmentUpdate = defineJob<ShipmentUpdatePayload>(
  'sale-order-shipment-update',
  'workflow',
);

// ---- logistics → receiving (grading) --------------------------------------------------------

/** A courier handed a parcel to a warehouse: receiving now expects it (seal and items). */
export const ParcelDelivered = defineJob<{
  pickupId: string;
  warehouseId: string;
  sealNumber: string | null;
  itemIds: string[];
  source: SourceRef;
  deliveredAt: string;
}>('parcel-delivered', 'workflow');

// ---- receiving and grading → acquisition ----------------------------------------------------

/** An item passed receiving and is in the warehouse's custody. */
export const ItemReceived = defineJob<{
  itemId: string;
  warehouseId: string;
  parcelId: string | null;
}>('item-received', 'workflow');

/** Receiving found a problem: the owner's payout for the item is frozen until support clears it. */
export const ReceivingExceptionRaised = defineJob<{
  exceptionId: string;
  kind: 'seal-mismatch' | 'broken-seal' | 'missing-item' | 'unexpected-item';
  itemId: string | null;
  parcelId: string;
  warehouseId: string;
  detail: string;
}>('receiving-exception-raised', 'workflow');

export interface GradeFinding {
  checkId: string;
  label: string;
  answer: unknown;
  severity: 'none' | 'cosmetic' | 'functional' | 'critical';
  rule: string | null;
  /** The grade that rule gives: the findings whose rule gives the item's grade caused it. */
  ruleGrade?: 'premium' | 'good' | 'scrap';
  /** Valuation hint from the standard: share of value lost, or a fixed amount. */
  deductionShare?: number;
  deductionMinor?: number;
}

/** An inspection finished: acquisition turns it into the final offer (spec §1 valuation). */
export const ItemGraded = defineJob<{
  itemId: string;
  inspectionId: string;
  grade: 'premium' | 'good' | 'scrap';
  standardCode: string;
  standardVersion: number;
  findings: GradeFinding[];
  /** The standard asked to hold the item (account lock, suspected fake...). */
  hold: boolean;
  /** A second grader confirmed this grade (fairness guard). */
  confirmedBySecondGrader: boolean;
}>('item-graded', 'valuation');

// ---- acquisition → grading ------------------------------------------------------------------

/** The final price falls below the quote by more than the set share: a second grader must confirm. */
export const SecondGradingRequested = defineJob<{
  itemId: string;
  inspectionId: string;
  quotedMinor: number;
  finalMinor: number;
}>('second-grading-requested', 'workflow');

/** The platform owns the item now (offer settled): route it by grade (premium/good/scrap). */
export const DisposeItem = defineJob<{ itemId: string }>('dispose-item', 'workflow');

// ---- grading (disposition) → refurbishment, recycling, resale -------------------------------

/** A *good* item goes to refurbishment: the refurbishment module decides whether repair pays. */
export const RefurbishmentRequested = defineJob<{
  itemId: string;
  inspectionId: string | null;
  warehouseId: string | null;
}>('refurbishment-requested', 'workflow');

/** A *scrap* item waits for a recycling lot of its warehouse. */
export const RecyclingRequested = defineJob<{
  itemId: string;
  warehouseId: string | null;
  reason: string;
}>('recycling-requested', 'workflow');

/** An item became available for sale (premium, refurbished, or a return back in stock). */
export const ItemAvailableForSale = defineJob<{ itemId: string; grade: string }>(
  'item-available-for-sale',
  'workflow',
);

/** A buyer's return was re-inspected: resale compares the grade with the one it was sold as. */
export const ReturnInspected = defineJob<{
  itemId: string;
  inspectionId: string;
  grade: 'premium' | 'good' | 'scrap';
  source: SourceRef;
}>('return-inspected', 'workflow');

// ---- resale timers --------------------------------------------------------------------------

/** A checkout's reservation ran out: cancel the order and put the listing back if still unpaid. */
export const ExpireSaleReservation = defineJob<{ saleOrderId: string }>(
  'expire-sale-reservation',
  'dispatch',
);

// ---- resale → vehicles ----------------------------------------------------------------------

/**
 * A car was paid for: vehicles opens its paperwork tasks (ownership transfer, registration,
 * insurance). Items without a VIN are ignored, so resale may send every paid sale.
 */
export const OpenVehiclePaperwork = defineJob<{
  saleOrderId: string;
  itemIds: string[];
  merchantOrganisationId: string | null;
  buyerId: string | null;
}>('open-vehicle-paperwork', 'workflow');

// ---- acquisition, grading → vehicles → acquisition ------------------------------------------

/**
 * A car's mileage history changed (a trade-in declared its odometer, an inspection read it):
 * vehicles re-assesses it and, if it is flagged for rollback or implausible mileage, answers
 * with VehicleMileageFlagged for these items.
 */
export const CheckVehicleMileage = defineJob<{
  vin: string;
  itemIds: string[];
  trigger: 'trade-in' | 'inspection';
}>('check-vehicle-mileage', 'workflow');

/** A car's mileage is flagged: acquisition holds the payout of its trade-in items. */
export const VehicleMileageFlagged = defineJob<{
  vin: string;
  itemIds: string[];
  status: string;
  /** What was found (kind and message, no personal data). */
  evidence: Array<{ kind: string; message: string }>;
}>('vehicle-mileage-flagged', 'workflow');
// ---- erasure → resale ------------------------------------------------------------------------

/**
 * An item lost its erasure certification (a certificate revoked by sampling, an erasure
 * reopened): resale withdraws every listing of it, cancelling an unpaid reservation and telling
 * the buyer. Written in the same transaction as the status change; the market hides the item
 * from that moment already.
 */
export const WithdrawUncertifiedItem = defineJob<{ itemId: string; reason: string }>(
  'withdraw-uncertified-item',
  'workflow',
);

// ---- receiving, couriers → erasure ----------------------------------------------------------

/** Wipe every storage medium of the item. */
export const StartErasure = defineJob<{
  itemId: string;
  /** Where the wipe happens: the warehouse, or the owner's door (courier on site). */
  at: 'warehouse' | 'on-site';
  organisationId: string | null;
  requestedBy: string | null;
}>('start-erasure', 'erasure');

/** Erasure's own work: one try of one medium's wipe on the station (delayed for a retry). */
export const RunErasure = defineJob<{ erasureId: string; attempt: number }>(
  'run-erasure',
  'erasure',
);

// ---- any stage → tracking (support) ---------------------------------------------------------

/** The platform opens a support case (late pickup, seal mismatch, erasure failure, dispute...). */
export const OpenSupportCase = defineJob<{
  kind:
    | 'late-pickup'
    | 'seal-mismatch'
    | 'receiving-exception'
    | 'erasure-failure'
    | 'price-dispute'
    | 'buyer-return-dispute'
    | 'weight-discrepancy'
    | 'fraud-review'
    | 'stuck-work'
    | 'payment-failure'
    | 'reconciliation-mismatch';
  /** One case per key: a job delivered twice opens one case. */
  dedupeKey: string;
  summary: string;
  itemIds: string[];
  orderRef: SourceRef | null;
  customerId: string | null;
  detail: Record<string, unknown>;
}>('open-support-case', 'workflow');

/**
 * The sweeper for stuck work (repeating): rows past their state's limit get the state's named
 * follow-up, or a support case naming the item, the state and how long it has been there.
 */
export const SweepStuckWork = defineJob<{ trigger: 'scheduled' | 'admin' | 'test' }>(
  'sweep-stuck-work',
  'workflow',
);

/**
 * Retention (repeating, daily): deletes finished rows past their keeping period — completed and
 * failed outbox rows, expired idempotency keys, delivered webhooks, finished owner notifications,
 * jobs BullMQ keeps as failed. Never the item history or the ledger.
 */
export const PruneRetention = defineJob<{ trigger: 'scheduled' | 'admin' | 'test' }>(
  'prune-retention',
  'workflow',
  { attempts: 3 },
);

/**
 * Partitions of the item history (repeating, daily; issue 27): makes the monthly partitions of
 * `item_events` for the current month and the next ones before appends need them.
 */
export const AddHistoryPartitions = defineJob<{ trigger: 'scheduled' | 'admin' | 'test' }>(
  'add-history-partitions',
  'workflow',
  { attempts: 3 },
);

/**
 * Sign a checkpoint of the history (repeating, issue 24): a Merkle root over the item chain
 * heads that changed since the last checkpoint, as a credential. Skipped when none did.
 */
export const SignHistoryCheckpoint = defineJob<{ trigger: 'scheduled' | 'admin' | 'test' }>(
  'sign-history-checkpoint',
  'workflow',
  { attempts: 3 },
);

/** A support case's SLA falls due: tracking records the breach if it is still unresolved. */
export const SupportCaseSlaDue = defineJob<{ caseId: string }>('support-case-sla-due', 'workflow');

// ---- any stage → notifications (webhooks to partners and merchants) ------------------------

/**
 * A platform event for the webhook subscribers of one organisation (null: platform-wide
 * subscribers only). Write it with the transition that caused it (see
 * src/notifications/webhooks/webhook-events.ts); `eventId` makes a re-run fan out once.
 */
export const PublishWebhookEvent = defineJob<{
  eventId: string;
  organisationId: string | null;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}>('publish-webhook-event', 'notifications');

/** One signed POST to one subscriber; retried with backoff for about 34 h (11 retries). */
export const DeliverWebhook = defineJob<{ deliveryId: string }>(
  'deliver-webhook',
  'notifications',
  { attempts: 12, backoff: { type: 'exponential', delay: 60_000 } },
);

// ---- any stage → money ------------------------------------------------------------------------

/**
 * Run one refund or payout at the payment provider (issue 23): written with the decision that
 * causes it; the provider's idempotency key is the transfer's id, so a re-run pays once. Tries
 * for about 2.8 hours with backoff; a transfer still failing then opens a support case.
 */
export const ExecuteTransfer = defineJob<{ transferId: string }>('execute-transfer', 'payments', {
  attempts: 10,
  backoff: { type: 'exponential', delay: 10_000 },
});

/**
 * Reconcile payment providers' statements for a day (issue 23, point 5): each provider's file
 * is fetched and matched line by line against the ledger; every mismatch opens a support case.
 * Scheduled daily for yesterday (China time); retried while the provider is still making it.
 */
export const ReconcileStatements = defineJob<{
  /** One provider, or null: every provider that publishes statements. */
  provider: string | null;
  /** YYYY-MM-DD, or null: yesterday in China time. */
  day: string | null;
  trigger: 'scheduled' | 'admin';
}>('reconcile-statements', 'payments', {
  // From 15 minutes, doubling: about 8 hours for a late statement.
  attempts: 6,
  backoff: { type: 'exponential', delay: 15 * 60_000 },
});

/** Every job type the workers must be able to run (each has exactly one registered handler). */
export const JOB_CATALOGUE: readonly JobDef<unknown>[] = [
  NotifyOwner,
  SendSignUpCode,
  QuoteTradeIn,
  ExpireTradeInQuote,
  ExpireTradeInOffer,
  RefitValuation,
  TradeInShipmentUpdate,
  ItemReceived,
  ItemGraded,
  ReceivingExceptionRaised,
  SchedulePickup,
  CancelPickup,
  DispatchPickups,
  CheckPickupSla,
  ParcelDelivered,
  SecondGradingRequested,
  DisposeItem,
  OpenSupportCase,
  SweepStuckWork,
  PruneRetention,
  AddHistoryPartitions,
  SupportCaseSlaDue,
  PublishWebhookEvent,
  DeliverWebhook,
  StartErasure,
  RunErasure,
  RefurbishmentRequested,
  RecyclingRequested,
  ItemAvailableForSale,
  ReturnInspected,
  SaleOrderShipmentUpdate,
  ExpireSaleReservation,
  OpenVehiclePaperwork,
  CheckVehicleMileage,
  VehicleMileageFlagged,
  WithdrawUncertifiedItem,
  ExecuteTransfer,
  ReconcileStatements,
  SignHistoryCheckpoint,
];
