import { seesEverything, type Actor } from '../core/actor.js';
import { defineMachine } from '../core/state-machine/machine.js';
import { PAPERWORK_STATES, PaperworkTask } from './vehicle.entities.js';

const staff = ['merchant', 'admin', 'system'] as const;

/**
 * A paperwork task of a car sale: OPEN → DONE, or BLOCKED (a document missing, the registry
 * closed, the buyer's city refuses the emission standard) and back to OPEN. DONE is final.
 * The selling merchant does the work; support reads.
 */
export const PaperworkTaskMachine = defineMachine({
  name: 'VehiclePaperworkTask',
  entity: PaperworkTask,
  states: PAPERWORK_STATES,
  initial: ['OPEN'],
  transitions: [
    { action: 'complete', from: ['OPEN', 'BLOCKED'], to: 'DONE', roles: [...staff] },
    { action: 'block', from: ['OPEN'], to: 'BLOCKED', roles: [...staff] },
    { action: 'unblock', from: ['BLOCKED'], to: 'OPEN', roles: [...staff] },
  ],
  canAccess: (t: PaperworkTask, actor: Actor) =>
    seesEverything(actor) ||
    (actor.role === 'merchant' &&
      actor.organisationId !== null &&
      t.merchantOrganisationId === actor.organisationId) ||
    (actor.role === 'customer' && actor.userId !== null && t.buyerId === actor.userId),
  itemIds: (t: PaperworkTask) => [t.itemId],
});
