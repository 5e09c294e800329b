import { defineJob, type JobDef } from './job-definition.js';

/**
 * The one catalogue of background jobs: every hand-off between stages and every timer.
 * A producer writes `job(SomeJob, payload)` into the outbox; the consuming module registers
 * exactly one handler for it (checked when a worker starts). Payload types live here so that
 * producer and consumer agree without importing each other.
 */

/** Owner notification (SMS / e-mail) through the notification provider. */
export const NotifyOwner = defineJob<{
  userId: string;
  template: string;
  params: Record<string, unknown>;
}>('notify-owner', 'notifications');

/** Every job type the workers must be able to run. */
export const JOB_CATALOGUE: readonly JobDef<unknown>[] = [NotifyOwner];
