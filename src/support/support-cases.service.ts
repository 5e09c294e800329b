import { BadRequestException, ConflictException, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, seesEverything, SYSTEM_ACTOR } from '../core/actor.js';
import { isUniqueViolation, NotFound } from '../core/errors.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { OpenSupportCase, SupportCaseSlaDue } from '../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { type ApplyParams, TransitionService } from '../core/state-machine/transition.service.js';
import { webhookEvent } from '../notifications/webhooks/webhook-events.js';
import { type CaseKind, isBreached, slaDueAt } from './domain/sla.js';
import type { SupportCase, SupportCaseNote } from './data/support-case.entity.js';
import { type CaseItemRow, SupportCaseRepository } from './data/support-case.repository.js';
import { SupportCaseAccess, SupportCaseMachine } from './domain/support-case.machine.js';
import type {
  AddNoteDto,
  AssignCaseDto,
  CaseListQuery,
  OpenCaseDto,
  ReopenCaseDto,
  ResolveCaseDto,
} from './api/support.dto.js';
import { PhotosService } from '../photos/photos.service.js';

type OpenSupportCasePayload = NonNullable<(typeof OpenSupportCase)['payload']>;

/** What a customer may open about their own items. */
const CUSTOMER_KINDS: readonly CaseKind[] = ['price-dispute', 'buyer-return-dispute', 'general'];
const ORG_CUSTODIANS = ['warehouse', 'store', 'partner', 'merchant'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The facts partners and merchants receive about a case: no notes, no customer. */
function caseEventData(c: SupportCase): Record<string, unknown> {
  return {
    caseId: c.id,
    kind: c.kind,
    state: c.state,
    summary: c.summary,
    orderRef: c.orderId ? { kind: c.orderKind, id: c.orderId } : null,
    itemIds: c.itemIds,
    slaDueAt: c.slaDueAt.toISOString(),
  };
}

function caseEvent(c: SupportCase, what: string): OutboxJob[] {
  return c.organisationId
    ? [
        webhookEvent({
          organisationId: c.organisationId,
          type: `support-case.${what}`,
          data: caseEventData(c),
        }),
      ]
    : [];
}

@Injectable()
export class SupportCasesService {
  private readonly logger = new Logger(SupportCasesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly photos: PhotosService,
    private readonly cases: SupportCaseRepository,
  ) {}

  // ---- reads --------------------------------------------------------------------------------

  async get(actor: Actor, id: string): Promise<SupportCase> {
    const c = await this.cases.findCase(id);
    return SupportCaseAccess.assertVisible(c, actor, id);
  }

  /** Staff see everything; the customer sees their case without internal notes or staff ids. */
  view(actor: Actor, c: SupportCase, notes?: SupportCaseNote[]) {
    const staff = seesEverything(actor);
    const base = {
      id: c.id,
      kind: c.kind,
      origin: c.origin,
      summary: c.summary,
      orderRef: c.orderId ? { kind: c.orderKind, id: c.orderId } : null,
      itemIds: c.itemIds,
      slaDueAt: c.slaDueAt,
      breached: isBreached(c),
      resolvedAt: c.resolvedAt,
      resolution: c.resolution,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      ...(staff
        ? {
            customerId: c.customerId,
            organisationId: c.organisationId,
            assigneeId: c.assigneeId,
            openedBy: c.openedBy,
            dedupeKey: c.dedupeKey,
            detail: c.detail,
            slaBreachedAt: c.slaBreachedAt,
          }
        : {}),
      ...(notes
        ? {
            notes: notes
              .filter((n) => staff || !n.internal)
              .map((n) => ({
                id: n.id,
                body: n.body,
                authorRole: n.authorRole,
                ...(staff ? { authorId: n.authorId, internal: n.internal } : {}),
                createdAt: n.createdAt,
              })),
          }
        : {}),
    };
    return withActions(SupportCaseMachine, c, actor, base);
  }

  async read(actor: Actor, id: string) {
    const c = await this.get(actor, id);
    const notes = await this.cases.notes(id);
    return {
      ...this.view(actor, c, notes),
      photos: await this.photos.forSubject(actor, 'case', id),
    };
  }

  /**
   * Adds photos (uploaded with purpose case) to the case: the customer's evidence of a damaged
   * delivery, or support's own. Whoever may read the case sees them. A closed case: 409.
   */
  async attachPhotos(actor: Actor, id: string, photoIds: string[]) {
    const c = await this.get(actor, id);
    if (c.state === 'CLOSED') {
      throw new ConflictException({
        message: `Support case ${id} is CLOSED: reopen it to add photos`,
        state: c.state,
      });
    }
    await this.dataSource.transaction(async (m) => {
      const position = await this.photos.countFor(m, 'case', id);
      await this.photos.attach(m, actor, 'case', id, photoIds, { field: 'photoIds', position });
    });
    return { photos: await this.photos.forSubject(actor, 'case', id) };
  }

  async list(actor: Actor, q: CaseListQuery) {
    return mapPage(await this.cases.page(actor, q), (c) => this.view(actor, c));
  }

  // ---- opening ------------------------------------------------------------------------------

  async openByHand(actor: Actor, dto: OpenCaseDto) {
    const staff = seesEverything(actor);
    const itemIds = [...new Set(dto.itemIds ?? [])];
    const items = await this.items(itemIds);
    const mine = staff ? new Set<string>() : await this.everOwned(itemIds, actor);
    for (const id of itemIds) {
      const item = items.find((i) => i.id === id);
      // An owner, current or past (issue 18): the seller may still dispute their trade-in, the
      // buyer may complain about what they bought.
      if (!item || (!staff && !mine.has(id))) throw new NotFound('Item', id);
    }
    let customerId: string | null;
    let organisationId: string | null;
    if (staff) {
      customerId = dto.customerId ?? items[0]?.owner_id ?? null;
      if (dto.customerId && !(await this.exists('users', dto.customerId))) {
        throw new NotFound('User', dto.customerId);
      }
      organisationId = dto.organisationId ?? this.custodianOrganisation(items);
      if (dto.organisationId && !(await this.exists('organisations', dto.organisationId))) {
        throw new NotFound('Organisation', dto.organisationId);
      }
    } else {
      const staffOnly = (['customerId', 'organisationId', 'assigneeId', 'detail'] as const).filter(
        (f) => dto[f] !== undefined,
      );
      if (staffOnly.length > 0) {
        throw new BadRequestException({
          message: `Invalid input: ${staffOnly.join(', ')}`,
          fields: staffOnly.map((field) => ({
            field,
            errors: [`only support staff set ${field}`],
          })),
        });
      }
      if (!CUSTOMER_KINDS.includes(dto.kind)) {
        throw new BadRequestException({
          message: 'Invalid input: kind',
          fields: [{ field: 'kind', errors: [`kind must be one of ${CUSTOMER_KINDS.join(', ')}`] }],
        });
      }
      if (dto.orderRef && !(await this.orderTouchesOwner(dto.orderRef.id, actor.userId))) {
        throw new NotFound('Order', dto.orderRef.id);
      }
      customerId = actor.userId;
      organisationId = this.custodianOrganisation(items);
    }
    if (dto.assigneeId) await this.checkAssignee(dto.assigneeId);

    const created = await this.dataSource.transaction(async (manager) => {
      const c = await this.create(manager, actor, {
        kind: dto.kind,
        origin: 'manual',
        dedupeKey: null,
        summary: dto.summary,
        orderKind: dto.orderRef?.kind ?? null,
        orderId: dto.orderRef?.id ?? null,
        itemIds,
        customerId,
        organisationId,
        detail: dto.detail ?? {},
      });
      if (!dto.assigneeId) return c;
      return this.transitions.apply(SupportCaseMachine, {
        manager,
        id: c.id,
        action: 'assign',
        actor,
        patch: { assigneeId: dto.assigneeId },
        jobs: (e) => caseEvent(e, 'assigned'),
      });
    });
    return this.view(actor, created, []);
  }

  /** OpenSupportCase: one case per dedupe key, however often the job runs. */
  async openFromPlatform(p: OpenSupportCasePayload): Promise<void> {
    if (await this.cases.existsWithDedupeKey(p.dedupeKey)) return;
    const items = await this.items([...new Set(p.itemIds)]);
    const missing = p.itemIds.filter((id) => !items.some((i) => i.id === id));
    if (missing.length)
      this.logger.warn(`Case ${p.dedupeKey}: unknown items ${missing.join(', ')}`);
    const givenCustomer =
      p.customerId && (await this.exists('users', p.customerId)) ? p.customerId : null;
    const detailOrg = [p.detail.organisationId, p.detail.warehouseId].find(
      (v): v is string => typeof v === 'string' && UUID.test(v),
    );
    const organisationId =
      detailOrg && (await this.exists('organisations', detailOrg))
        ? detailOrg
        : this.custodianOrganisation(items);
    try {
      await this.dataSource.transaction((manager) =>
        this.create(manager, SYSTEM_ACTOR, {
          kind: p.kind,
          origin: 'platform',
          dedupeKey: p.dedupeKey,
          summary: p.summary,
          orderKind: p.orderRef?.kind ?? null,
          orderId: p.orderRef?.id ?? null,
          itemIds: items.map((i) => i.id),
          customerId: givenCustomer ?? items[0]?.owner_id ?? null,
          organisationId,
          detail: p.detail,
        }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) return; // a concurrent run opened it first
      throw err;
    }
  }

  private create(
    manager: EntityManager,
    actor: Actor,
    values: Omit<
      SupportCase,
      | 'id'
      | 'state'
      | 'version'
      | 'createdAt'
      | 'updatedAt'
      | 'stateEnteredAt'
      | 'assigneeId'
      | 'openedBy'
      | 'slaDueAt'
      | 'slaBreachedAt'
      | 'resolvedAt'
      | 'resolution'
    >,
  ): Promise<SupportCase> {
    const due = slaDueAt(values.kind, new Date());
    return this.transitions.create(SupportCaseMachine, {
      manager,
      actor,
      values: { ...values, openedBy: actor.userId, slaDueAt: due },
      data: { kind: values.kind, origin: values.origin },
      jobs: (c) => [
        job(SupportCaseSlaDue, { caseId: c.id }, c.slaDueAt),
        ...caseEvent(c, 'opened'),
      ],
    });
  }

  // ---- actions ------------------------------------------------------------------------------

  async assign(actor: Actor, id: string, dto: AssignCaseDto) {
    await this.get(actor, id);
    await this.checkAssignee(dto.assigneeId);
    return this.step(actor, id, dto.version, 'assign', 'assigned', {
      assigneeId: dto.assigneeId,
    });
  }

  async resolve(actor: Actor, id: string, dto: ResolveCaseDto) {
    return this.step(actor, id, dto.version, 'resolve', 'resolved', {
      resolution: dto.resolution,
      resolvedAt: new Date(),
    });
  }

  async reopen(actor: Actor, id: string, dto: ReopenCaseDto) {
    await this.dataSource.transaction(async (manager) => {
      await this.transitions.apply(SupportCaseMachine, {
        manager,
        id,
        action: 'reopen',
        actor,
        expectedVersion: dto.version,
        patch: { resolution: null, resolvedAt: null },
        jobs: (e) => caseEvent(e, 'reopened'),
      });
      if (dto.reason) {
        await this.cases.addNote(
          {
            caseId: id,
            authorId: actor.userId,
            authorRole: actor.role,
            internal: false,
            body: `Reopened: ${dto.reason}`,
          },
          manager,
        );
      }
    });
    return this.read(actor, id);
  }

  async close(actor: Actor, id: string, version?: number) {
    return this.step(actor, id, version, 'close', 'closed');
  }

  /**
   * One step of the case by an actor, at the version they saw: subscribers hear `event`, and the
   * answer is the case as the actor reads it afterwards.
   */
  private async step(
    actor: Actor,
    id: string,
    version: number | undefined,
    action: 'assign' | 'resolve' | 'close',
    event: string,
    patch?: ApplyParams<SupportCase>['patch'],
  ) {
    const c = await this.transitions.apply(SupportCaseMachine, {
      id,
      action,
      actor,
      expectedVersion: version,
      patch,
      jobs: (e) => caseEvent(e, event),
    });
    return this.read(actor, c.id);
  }

  async addNote(actor: Actor, id: string, dto: AddNoteDto) {
    const c = await this.get(actor, id);
    const staff = seesEverything(actor);
    if (!staff && dto.internal === true) {
      throw new BadRequestException({
        message: 'Invalid input: internal',
        fields: [{ field: 'internal', errors: ['only support staff write internal notes'] }],
      });
    }
    if (!staff && c.state === 'CLOSED') {
      throw new ConflictException({ message: 'The case is closed', state: c.state });
    }
    const note = await this.cases.addNote({
      caseId: id,
      authorId: actor.userId,
      authorRole: actor.role,
      internal: staff ? (dto.internal ?? true) : false,
      body: dto.body,
    });
    return {
      id: note.id,
      body: note.body,
      authorRole: note.authorRole,
      ...(staff ? { authorId: note.authorId, internal: note.internal } : {}),
      createdAt: note.createdAt,
    };
  }

  /** SupportCaseSlaDue: records the breach of a case still unresolved at its due time. */
  async slaDue(caseId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const c = await this.cases.markBreached(manager, caseId);
      if (!c) return; // resolved in time, already recorded, or gone
      await this.outbox.write(manager, caseEvent(c, 'sla-breached'));
    });
  }

  // ---- helpers ------------------------------------------------------------------------------

  private items(ids: string[]): Promise<CaseItemRow[]> {
    return this.cases.items(ids);
  }

  /** The items of `ids` the actor owns or once owned (`ItemHistoryAccess`). */
  private everOwned(ids: string[], actor: Actor): Promise<Set<string>> {
    return this.cases.everOwned(ids, actor);
  }

  private custodianOrganisation(
    items: Array<{ custodian_kind: string; custodian_id: string | null }>,
  ): string | null {
    const held = items.find((i) => ORG_CUSTODIANS.includes(i.custodian_kind) && i.custodian_id);
    return held?.custodian_id ?? null;
  }

  private exists(table: 'users' | 'organisations', id: string): Promise<boolean> {
    return this.cases.exists(table, id);
  }

  /**
   * An order is the customer's when its events are on one of their items, or when they acted on
   * it themselves as a customer (a buyer's checkout: the item is no longer theirs after a
   * return, yet they may dispute the refund).
   */
  private orderTouchesOwner(orderId: string, userId: string | null): Promise<boolean> {
    // The order's events must fall in the customer's own ownership period (issue 18): the
    // seller of a phone is not a party to its later buyer's sale order.
    return this.cases.orderTouchesOwner(orderId, userId);
  }

  private async checkAssignee(userId: string): Promise<void> {
    const u = await this.cases.userStatus(userId);
    if (!u || u.disabled || (u.role !== 'support' && u.role !== 'admin')) {
      throw new BadRequestException({
        message: 'Invalid input: assigneeId',
        fields: [
          { field: 'assigneeId', errors: ['assignee must be an active support or admin user'] },
        ],
      });
    }
  }
}
