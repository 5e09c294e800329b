import type { EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { RecyclingRequested } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import type { TransitionService } from '../core/state-machine/transition.service.js';
import type { GradeResult } from '../catalog/standards/grade-engine.js';
import type { RefurbishmentOrder } from './data/refurbishment.entities.js';

/**
 * The item goes to scrap (back in its warehouse) and recycling gathers it into a lot: whether
 * repair does not pay, the partner gives up, or QC fails.
 */
export async function scrapItem(
  transitions: TransitionService,
  m: EntityManager,
  actor: Actor,
  order: RefurbishmentOrder,
  reason: string,
  qc?: GradeResult,
): Promise<void> {
  await transitions.apply(ItemMachine, {
    manager: m,
    id: order.itemId,
    action: 'scrap',
    actor,
    checkAccess: false,
    patch: {
      custodianKind: 'warehouse',
      custodianId: order.warehouseId,
      ...(qc ? { grade: qc.grade } : {}),
    },
    custodian: { kind: 'warehouse', id: order.warehouseId },
    data: { reason, refurbishmentOrderId: order.id },
    jobs: [
      job(RecyclingRequested, { itemId: order.itemId, warehouseId: order.warehouseId, reason }),
    ],
  });
}
