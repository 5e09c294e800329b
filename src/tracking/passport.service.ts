import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { ReadDatabase } from '../database/read-database.js';
import { NotFound } from '../core/errors.js';
import { Checkpoints } from '../credentials/checkpoints.service.js';
import { PlatformSigner } from '../credentials/platform-signer.js';
import { TraceVerification } from '../credentials/trace-verification.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import type { EventRow } from './data/event-row.js';
import { custodyChain, ORGANISATION_CUSTODIANS } from './domain/custody.js';
import { SchemaProbe } from './data/schema-probe.js';
import { type PassportItemRow, TrackingRepository } from './data/tracking.repository.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import {
  ERASURE_CERTIFICATES,
  type ErasureCertificates,
} from '../core/read-models/erasure-certificates.js';

/**
 * Facts an event may show publicly, whatever stage wrote it. Everything else in an event's
 * data (names, phones, addresses, seal numbers, user ids, free text) stays out of the passport.
 */
const PUBLIC_FACTS = new Set([
  'grade',
  'standardCode',
  'standardVersion',
  'method',
  'standard',
  'policy',
  'media',
  'mediaCount',
  'medium',
  'outcome',
  'result',
  'passed',
  'qcPassed',
  'certificateId',
  // A certificate of the erasure simulator (issue 17): nothing was erased.
  'simulated',
  'certificateNumber',
  'certificateNo',
  'certificateCode',
  'verificationCode',
  // Not 'repairs': it is the technician's free-text diagnosis (issue 18). The parts say what
  // was done.
  'partsReplaced',
  'work',
  'confirmedBySecondGrader',
  'superseded',
  'score',
  'level',
  'hold',
]);

type Fact = string | number | boolean | null;

function isFact(v: unknown): v is Fact {
  return (
    v === null ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    (typeof v === 'string' && v.length <= 200)
  );
}

/** The whitelisted facts of an event's data: scalars, or lists of scalars. */
export function publicFacts(
  data: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data ?? {})) {
    if (!PUBLIC_FACTS.has(k)) continue;
    if (isFact(v)) out[k] = v;
    else if (Array.isArray(v) && v.every(isFact)) out[k] = v.slice(0, 50);
  }
  return out;
}

/** Findings as label and severity only (answers may hold anything the inspector typed). */
function publicFindings(v: unknown): Array<{ label: string; severity: string }> {
  if (!Array.isArray(v)) return [];
  return v
    .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
    .map((f) => ({
      label: typeof f.label === 'string' ? f.label : typeof f.checkId === 'string' ? f.checkId : '',
      severity: typeof f.severity === 'string' ? f.severity : '',
    }))
    .filter((f) => f.label.length > 0 && f.label.length <= 200)
    .slice(0, 100);
}

/**
 * Events that are about a person rather than the item: someone's complaint or dispute
 * (issue 18). They stay out of the public journey; the chain check still covers them.
 */
const PRIVATE_ENTITIES = new Set(['SupportCase']);

const ERASURE_ENTITIES = ['Erasure', 'ErasureCertificate', 'Certificate'];
const REFURBISHMENT_ENTITIES = ['RefurbishmentOrder', 'Refurbishment'];

/**
 * The public item passport (spec §1 traceability): what the item is, how it was graded, wiped
 * and repaired, who held it (organisations by name, people by role only), and whether its
 * history chain is intact. Derived from the item history, so it works with whatever the stage
 * modules record, and from the catalog tables when they exist.
 */
/** The passport's inspection: the latest report's public facts (no grader, no answers). */
export interface PassportInspection {
  grade: string | null;
  /** Null when the grade came without an inspection event (an older item). */
  completedAt: Date | null;
  inspections: number;
  findings?: Array<{ label: string; severity: string }>;
  inspectedBy?: { name: string; kind: string } | null;
  standardCode?: string;
  standardVersion?: number;
}

@Injectable()
export class PassportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: SchemaProbe,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
    private readonly verification: TraceVerification,
    private readonly checkpoints: Checkpoints,
    private readonly signer: PlatformSigner,
    private readonly reads: ReadDatabase,
    @Inject(ERASURE_CERTIFICATES) private readonly erasure: ErasureCertificates,
    private readonly repository: TrackingRepository,
  ) {}

  async item(traceCode: string): Promise<PassportItemRow> {
    const item = await this.findItem(this.dataSource, traceCode);
    if (!item) throw new NotFound('Trace code', traceCode);
    return item;
  }

  private async findItem(db: DataSource, traceCode: string): Promise<PassportItemRow | undefined> {
    const code = normaliseTraceCode(traceCode);
    if (!code) return undefined;
    return this.repository.itemByTraceCode(code, db.manager);
  }

  /**
   * An anonymous caller (a QR scan) reads the replica, a signed-in one the primary (they may
   * have just changed the item); everything below is read from that same server, so the
   * history is checked against the checkpoints that server has.
   */
  async passport(traceCode: string, caller: Actor | null = null) {
    const hit = await this.reads.orPrimary(this.reads.forCaller(caller), (db) =>
      this.findItem(db, traceCode),
    );
    if (!hit) throw new NotFound('Trace code', traceCode);
    const { found: item, db } = hit;
    // Independent reads in parallel, each on a pooled connection to that server.
    // All event columns: the same rows feed the passport and the chain check (one read, not two).
    const [events, anchor, category, productModel, vehicle, certificateCredentials] =
      await Promise.all([
        this.repository.storedEvents(item, db.manager),
        this.checkpoints.anchor(item.id, undefined, db),
        this.category(db, item.category_id),
        this.productModel(db, item.product_model_id),
        item.vin ? this.vehicles.publicSummary(item.vin) : null,
        this.certificateCredentials(db, item.id),
      ]);
    const { inclusion } = anchor;
    const chain = custodyChain(events);
    const orgIds = new Set<string>();
    for (const c of chain) if (c.id && ORGANISATION_CUSTODIANS.has(c.kind)) orgIds.add(c.id);
    for (const e of events) if (e.organisation_id) orgIds.add(e.organisation_id);
    const [orgs, report] = await Promise.all([
      this.organisationNames(db, [...orgIds]),
      this.verification.report(item, events, { db, anchor }),
    ]);
    const base = this.signer.publicBaseUrl;

    return {
      traceCode: item.trace_code,
      state: item.state,
      registeredAt: item.created_at,
      category,
      productModel,
      grade: item.grade,
      inspection: this.inspection(events, item.grade, orgs),
      // A car: model year, region, GB/T 30323 level, accident grade and the mileage flag.
      vehicle,
      erasure: { status: item.erasure_status, ...this.erasures(events) },
      refurbishment: this.refurbishments(events, orgs),
      custody: chain.map((c) => {
        const org = c.id && ORGANISATION_CUSTODIANS.has(c.kind) ? orgs.get(c.id) : undefined;
        return {
          kind: c.kind,
          organisation: org ? { name: org.name, kind: org.kind } : null,
          since: c.since,
        };
      }),
      journey: events
        .filter((e) => !PRIVATE_ENTITIES.has(e.entity))
        .map((e) => ({ at: e.at, event: e.type, state: e.to_state })),
      history: {
        events: report.events,
        intact: report.intact,
        firstBrokenSeq: report.firstBrokenSeq,
        reason: report.reason,
        verifyUrl: `/api/v1/trace/${item.trace_code}/verify`,
        head: report.head,
        anchored: report.anchored,
        // The item's head in the latest signed checkpoint that covers it, with the Merkle path
        // from it to the signed root: anyone who kept that checkpoint can check it offline.
        checkpoint: inclusion
          ? {
              number: inclusion.checkpoint.number,
              checkpointAt: new Date(inclusion.checkpoint.checkpoint_at),
              url: this.checkpoints.url(inclusion.checkpoint.number),
              merkleRoot: inclusion.checkpoint.merkle_root,
              inclusionProof: inclusion.proof,
            }
          : null,
      },
      credentialUrl: `${base}/api/v1/trace/${item.trace_code}/credential`,
      certificateCredentials,
    };
  }

  /** The item's certificates that exist as credentials, with whether each was revoked. */
  private async certificateCredentials(db: DataSource, itemId: string) {
    return (await this.erasure.credentialsOf(db.manager, itemId)).map((c) => ({
      certificateId: c.number,
      kind: c.kind,
      revoked: c.revoked,
      url: `${this.signer.publicBaseUrl}/api/v1/certificates/${c.id}/credential`,
    }));
  }

  /**
   * A signed snapshot of the passport (issue 24): what the item is, its grade and inspection
   * summary, its certificates, its custody steps and its history head with the inclusion proof
   * in the latest checkpoint — no personal data, as the passport itself.
   */
  async passportCredential(traceCode: string): Promise<Record<string, unknown>> {
    const p = await this.passport(traceCode);
    const base = this.signer.publicBaseUrl;
    const now = new Date().toISOString();
    const iso = (d: unknown) => new Date(d as string | Date).toISOString();
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    /** A scalar fact as text (a standard's version, a score), nothing else. */
    const fact = (v: unknown) =>
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : undefined;
    const insp = p.inspection as Record<string, unknown> | null;
    const model = p.productModel;
    const clean = (o: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
    const checkpoint = p.history.checkpoint;
    return this.signer.issue({
      '@context': this.signer.contexts(),
      type: ['VerifiableCredential', 'ItemPassport'],
      name: `Item passport ${p.traceCode}`,
      validFrom: now,
      credentialSubject: clean({
        id: `${base}/api/v1/trace/${p.traceCode}`,
        type: 'Item',
        traceCode: p.traceCode,
        state: p.state,
        registeredAt: iso(p.registeredAt),
        category: p.category?.name,
        categoryPath: p.category?.path,
        productModel: model
          ? clean({ type: 'ProductModel', name: str(model.name) ?? str(model.model) })
          : undefined,
        grade: p.grade ?? undefined,
        inspection: insp
          ? clean({
              grade: str(insp.grade),
              standardCode: str(insp.standardCode),
              standardVersion: fact(insp.standardVersion),
              score: fact(insp.score),
              findings: insp.findings,
              completedAt: insp.completedAt ? iso(insp.completedAt) : undefined,
              inspections: insp.inspections,
              organisation: (insp.inspectedBy as { name?: string } | null)?.name,
            })
          : undefined,
        vehicle: p.vehicle ?? undefined,
        erasureStatus: p.erasure.status,
        certificate: p.certificateCredentials.filter((c) => !c.revoked).map((c) => c.url),
        refurbishment: p.refurbishment.length > 0 ? p.refurbishment : undefined,
        custody: p.custody.map((c) =>
          clean({
            custodianKind: c.kind,
            organisation: c.organisation?.name,
            since: c.since ? iso(c.since) : undefined,
          }),
        ),
        history: clean({
          events: p.history.events,
          headHash: p.history.head.hash,
          checkpointNumber: checkpoint?.number,
          checkpoint: checkpoint?.url,
          merkleRoot: checkpoint?.merkleRoot,
          inclusionProof: checkpoint?.inclusionProof,
        }),
        snapshotAt: now,
      }),
    });
  }

  private async organisationNames(db: DataSource, ids: string[]) {
    if (ids.length === 0) return new Map<string, { name: string; kind: string }>();
    const rows = await this.repository.organisations(ids, db.manager);
    return new Map(rows.map((r) => [r.id, { name: r.name, kind: r.kind }]));
  }

  /** Category with its path up to the root, if the catalog is installed. */
  private async category(db: DataSource, id: string | null) {
    if (!id) return null;
    const cols = await this.schema.tableColumns('categories');
    if (!cols?.has('name')) return null;
    const parent = cols.has('parent_id');
    const rows = await this.repository.categoryPath(id, parent, db.manager);
    if (rows.length === 0) return null;
    const pick = (c: Record<string, unknown>) => ({
      code: typeof c.code === 'string' ? c.code : null,
      name: String(c.name),
      ...(typeof c.name_zh === 'string' ? { nameZh: c.name_zh } : {}),
    });
    const leaf = rows[rows.length - 1].c;
    return { ...pick(leaf), path: rows.map((r) => String(r.c.name)) };
  }

  private async productModel(db: DataSource, id: string | null) {
    if (!id) return null;
    const cols = await this.schema.tableColumns('product_models');
    if (!cols) return null;
    const m = await this.repository.productModel(id, db.manager);
    if (!m) return null;
    const out: { code?: string; brand?: string; model?: string; name?: string } = {};
    for (const k of ['code', 'brand', 'model', 'name'] as const) {
      const v = m[k];
      if (typeof v === 'string') out[k] = v;
    }
    return out;
  }

  /** The latest completed inspection (a re-inspection supersedes the earlier report). */
  private inspection(
    events: EventRow[],
    grade: string | null,
    orgs: Map<string, { name: string; kind: string }>,
  ): PassportInspection | null {
    const completed = events.filter(
      (e) =>
        e.entity === 'Inspection' && (e.to_state === 'COMPLETED' || e.type.endsWith('.complete')),
    );
    const latest = completed[completed.length - 1];
    if (!latest) return grade ? { grade, completedAt: null, inspections: 0 } : null;
    const org = latest.organisation_id ? orgs.get(latest.organisation_id) : undefined;
    // Grading records the standard as { code, version, ... }; older writers flat.
    const standard = latest.data.standard as Record<string, unknown> | undefined;
    const nested =
      standard && typeof standard === 'object'
        ? publicFacts({ standardCode: standard.code, standardVersion: standard.version })
        : {};
    const facts = { ...publicFacts(latest.data), ...nested };
    return {
      ...facts,
      standardCode: typeof facts.standardCode === 'string' ? facts.standardCode : undefined,
      standardVersion:
        typeof facts.standardVersion === 'number' ? facts.standardVersion : undefined,
      grade: typeof latest.data.grade === 'string' ? latest.data.grade : grade,
      findings: publicFindings(latest.data.findings),
      completedAt: latest.at,
      inspectedBy: org ? { name: org.name, kind: org.kind } : null,
      inspections: new Set(completed.map((e) => e.entity_id)).size,
    };
  }

  /** Each erasure (or certificate) with its final state and certificate references. */
  private erasures(events: EventRow[]) {
    const byEntity = new Map<string, EventRow[]>();
    for (const e of events) {
      if (!ERASURE_ENTITIES.includes(e.entity)) continue;
      byEntity.set(e.entity_id, [...(byEntity.get(e.entity_id) ?? []), e]);
    }
    const records = [...byEntity.entries()].map(([id, list]) => {
      const last = list[list.length - 1];
      const facts = Object.assign({}, ...list.map((e) => publicFacts(e.data))) as Record<
        string,
        unknown
      >;
      return {
        entity: last.entity,
        id,
        state: last.to_state,
        at: last.at,
        ...facts,
      };
    });
    return {
      records,
      certificates: records.filter(
        (r) => r.entity !== 'Erasure' || r.state === 'SUCCEEDED' || 'certificateId' in r,
      ),
    };
  }

  private refurbishments(events: EventRow[], orgs: Map<string, { name: string; kind: string }>) {
    const byEntity = new Map<string, EventRow[]>();
    for (const e of events) {
      if (!REFURBISHMENT_ENTITIES.includes(e.entity)) continue;
      byEntity.set(e.entity_id, [...(byEntity.get(e.entity_id) ?? []), e]);
    }
    return [...byEntity.values()].map((list) => {
      const last = list[list.length - 1];
      const partner = list
        .map((e) => (e.organisation_id ? orgs.get(e.organisation_id) : undefined))
        .find((o) => o?.kind === 'partner');
      return {
        state: last.to_state,
        openedAt: list[0].at,
        updatedAt: last.at,
        partner: partner ? { name: partner.name } : null,
        ...Object.assign({}, ...list.map((e) => publicFacts(e.data))),
      } as Record<string, unknown>;
    });
  }
}
