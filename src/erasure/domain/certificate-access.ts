import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { ItemAccess } from '../../core/items/item.machine.js';
import { Certificate } from '../data/erasure.entities.js';

/**
 * A certificate: its item's owner at the wipe, and the warehouse that wiped it or holds (sees)
 * its item now. Verification by id is public (the /verify and /credential routes).
 */
export const CertificateAccess = defineAccessPolicy<Certificate>({
  name: 'Certificate',
  entity: Certificate,
  rules: {
    any: [{ ownerId: 'userId' }],
    warehouse: [
      { organisationId: 'organisationId' },
      { follows: { policy: ItemAccess, by: 'itemId' } },
    ],
  },
});
