import { randomBytes, randomUUID } from 'node:crypto';
import { PHONE_STANDARD } from '../../../src/catalog/standards/demo-standards.js';
import {
  decideRepair,
  estimateRepairCost,
} from '../../../src/refurbishment/domain/repair-economics.js';
import { gradeLabels } from '../../../src/resale/domain/grade-labels.js';

const address = () => ({
  cityCode: '310100',
  districtCode: '310104',
  line1: '1 Test Road',
  contactName: 'Row Maker',
  contactPhone: '+8613800000000',
});

const economics = () => {
  const estimate = estimateRepairCost('phone', []);
  return {
    estimate,
    decision: decideRepair({
      expectedResaleMinor: 200_000,
      estimatedRepairCostMinor: estimate.amountMinor,
      scrapValueMinor: 5_000,
    }),
    valuation: { basis: 'model', modelVersion: 'v1', paramsVersion: 'p1' },
  };
};

/**
 * What the application writes in the columns whose shape the schema leaves open — a jsonb
 * document, or free text the TypeScript type narrows to a union — keyed `table.column`. A row
 * made with `{}` or random text there is one the application never writes: the API's answer
 * about it would be measured against its contract (test/support/response-contract.ts) and fail
 * for the test's sake, not the code's. Built with the application's own constructors where it
 * has them (grade labels, repair economics, the demo grading standard).
 */
export const REALISTIC_VALUES: Record<string, () => unknown> = {
  // A user signs in by e-mail or by mobile number; one of them is always there.
  'users.email': () => `row-${randomUUID()}@test.reloop`,
  'items.custodian_kind': () => 'warehouse',
  'items.state': () => 'RECEIVED',
  'parcels.source': () => ({ kind: 'trade-in', id: randomUUID() }),
  'settlement_statements.rule': () => ({ percentBp: 500, fixedMinor: 0 }),
  'sale_orders.grade_sold': () => 'good',
  'sale_orders.shipping_address': address,
  'support_cases.kind': () => 'general',
  'pickups.time_zone': () => 'Asia/Shanghai',
  'service_areas.time_zone': () => 'Asia/Shanghai',
  'pickups.address': address,
  'trade_in_orders.address': address,
  'trade_in_orders.service_area': () => ({
    cityCode: '310100',
    cityName: 'Shanghai',
    districtCode: '310104',
    districtName: 'Xuhui',
  }),
  'grading_standards.definition': () => PHONE_STANDARD,
  'listings.grade_labels': () => gradeLabels('good'),
  'signing_keys.algorithm': () => 'Ed25519',
  // An uploaded photo: always stored as JPEG, under yyyy/mm/<uuid>.jpg and its thumbnail.
  'photos.sha256': () => randomBytes(32).toString('hex'),
  'photos.content_type': () => 'image/jpeg',
  'photos.source_format': () => 'jpeg',
  'photos.storage_key': () => `2026/01/${randomUUID()}.jpg`,
  'photos.thumbnail_key': () => `2026/01/${randomUUID()}-thumb.jpg`,
  // A signed erasure certificate's document (what buildErasureCertificate writes).
  'certificates.document': () => ({
    schema: 'reloop.sanitization-certificate/v1',
    certificateId: `SC-${randomUUID().slice(0, 8).toUpperCase()}`,
    kind: 'erasure',
    issuedAt: new Date().toISOString(),
    media: {
      manufacturer: 'Samsung',
      model: 'KLUDG4UHDB',
      serial: `S${randomUUID().slice(0, 10)}`,
      mediaType: 'flash',
      source: { itemTraceCode: 'RL-ABCD-EFGH' },
    },
    sanitization: {
      level: 'Purge',
      technique: 'crypto-erase',
      methodDescription: 'Cryptographic erase',
      tool: { name: 'reloop-station', version: '1.0.0' },
      verification: { method: 'full', outcome: 'passed' },
      startedAt: new Date().toISOString(),
      completedAt: new Date().toISOString(),
    },
    operator: { name: 'Row Maker' },
    verifier: { name: 'Row Checker' },
    destination: 'reuse',
  }),
  'refurbishment_orders.economics': economics,
  'erasures.progress': () => ({
    attempt: 1,
    phase: 'starting',
    percent: 0,
    at: new Date().toISOString(),
  }),
  'recycling_lots.handoff': () => ({
    signedByName: 'Recycler Driver',
    signatureHash: 'a'.repeat(64),
    recordedBy: null,
    recordedByRole: 'warehouse',
    at: new Date().toISOString(),
  }),
};
