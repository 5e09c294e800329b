// Every migration, in order. Explicit imports (not a glob) so the same list runs from the build,
// from the CLI and under Jest.
import { Foundation1763800000000 } from './1763800000000-foundation.js';
import { Catalog1763900000000 } from './1763900000000-catalog.js';
import { Grading1763900100000 } from './1763900100000-grading.js';
import { InspectionSource1763900200000 } from './1763900200000-inspection-source.js';
import { ServiceAreas1763910000000 } from './1763910000000-service-areas.js';
import { Logistics1763910000001 } from './1763910000001-logistics.js';
import { Valuation1763920000000 } from './1763920000000-valuation.js';
import { Acquisition1763921000000 } from './1763921000000-acquisition.js';
import { TrackingSearch1763930000000 } from './1763930000000-tracking-search.js';
import { SupportCases1763931000000 } from './1763931000000-support-cases.js';
import { Webhooks1763932000000 } from './1763932000000-webhooks.js';
import { Erasure1763940000000 } from './1763940000000-erasure.js';
import { Refurbishment1763950000000 } from './1763950000000-refurbishment.js';
import { Recycling1763950000001 } from './1763950000001-recycling.js';
import { Resale1763960000000 } from './1763960000000-resale.js';
import { Vehicles1763970000000 } from './1763970000000-vehicles.js';
import { ErasureStations1764100000000 } from './1764100000000-erasure-stations.js';
import { CertifiedErasureProviders1764200000000 } from './1764200000000-certified-erasure-providers.js';
import { Sessions1764300000000 } from './1764300000000-sessions.js';
import { ItemOwnerships1764400000000 } from './1764400000000-item-ownerships.js';
import { SaleOrderComplete1764600000000 } from './1764600000000-sale-order-complete.js';
import { TradeInOffPath1764500000000 } from './1764500000000-trade-in-off-path.js';
import { StateEnteredAt1764500000001 } from './1764500000001-state-entered-at.js';
import { Ops1764900000000 } from './1764900000000-ops.js';
import { MoneyLedger1765000000000 } from './1765000000000-money-ledger.js';
import { MoneyTransfers1765000000001 } from './1765000000001-money-transfers.js';
import { MerchantSettlement1765000000002 } from './1765000000002-merchant-settlement.js';
import { Reconciliation1765000000010 } from './1765000000010-reconciliation.js';
import { Credentials1766000000000 } from './1766000000000-credentials.js';
import { StatusSlots1766000000001 } from './1766000000001-status-slots.js';
import { Retention1766200000000 } from './1766200000000-retention.js';
import { Photos1766300000000 } from './1766300000000-photos.js';
import { SupportSearch1766400000000 } from './1766400000000-support-search.js';
import { PhoneSignIn1766500000000 } from './1766500000000-phone-sign-in.js';
import { PickupHandBacks1766530000000 } from './1766530000000-pickup-hand-backs.js';
import { WithdrawnSales1766600000000 } from './1766600000000-withdrawn-sales.js';
import { SignUpCodes1766700000000 } from './1766700000000-sign-up-codes.js';
import { ItemEventsByMonth1766850000000 } from './1766850000000-item-events-by-month.js';
import { StatusRevocations1766860000000 } from './1766860000000-status-revocations.js';
import { VariantsAndDefects1766900000000 } from './1766900000000-variants-and-defects.js';
import { CheckpointNodes1767000000000 } from './1767000000000-checkpoint-nodes.js';
import { ItemHistorySpan1767100000000 } from './1767100000000-item-history-span.js';

export const ALL_MIGRATIONS = [
  Foundation1763800000000,
  Catalog1763900000000,
  Grading1763900100000,
  InspectionSource1763900200000,
  ServiceAreas1763910000000,
  Logistics1763910000001,
  Valuation1763920000000,
  Acquisition1763921000000,
  TrackingSearch1763930000000,
  SupportCases1763931000000,
  Webhooks1763932000000,
  Erasure1763940000000,
  Refurbishment1763950000000,
  Recycling1763950000001,
  Resale1763960000000,
  Vehicles1763970000000,
  ErasureStations1764100000000,
  CertifiedErasureProviders1764200000000,
  Sessions1764300000000,
  ItemOwnerships1764400000000,
  TradeInOffPath1764500000000,
  StateEnteredAt1764500000001,
  SaleOrderComplete1764600000000,
  Ops1764900000000,
  MoneyLedger1765000000000,
  MoneyTransfers1765000000001,
  MerchantSettlement1765000000002,
  Reconciliation1765000000010,
  Credentials1766000000000,
  StatusSlots1766000000001,
  Retention1766200000000,
  Photos1766300000000,
  SupportSearch1766400000000,
  PhoneSignIn1766500000000,
  PickupHandBacks1766530000000,
  WithdrawnSales1766600000000,
  SignUpCodes1766700000000,
  ItemEventsByMonth1766850000000,
  StatusRevocations1766860000000,
  VariantsAndDefects1766900000000,
  CheckpointNodes1767000000000,
  ItemHistorySpan1767100000000,
];
