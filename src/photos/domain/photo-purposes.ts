import type { ActorRole } from '../../core/actor.js';

/** What a photo is taken for; it is attached to a thing of the same kind. */
export const PHOTO_PURPOSES = ['inspection', 'pickup', 'listing', 'case'] as const;
export type PhotoPurpose = (typeof PHOTO_PURPOSES)[number];

/**
 * Who takes photos for what: graders (and technicians for the quality check after a repair,
 * which answers the same standard), couriers, merchants, and support with its customers.
 */
export const UPLOADERS: Record<PhotoPurpose, readonly ActorRole[]> = {
  inspection: ['warehouse', 'technician', 'admin'],
  pickup: ['courier', 'admin'],
  listing: ['merchant', 'admin'],
  case: ['support', 'admin', 'customer'],
};
