import type { JobsOptions } from 'bullmq';

/** The queues of spec §4, plus `workflow` for hand-offs between stages and `payments`. */
export const QUEUE_NAMES = [
  'valuation',
  'dispatch',
  'erasure',
  'notifications',
  'workflow',
  // Calls to payment providers (refunds, payouts): slow and outside, kept apart.
  'payments',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** A job type: its name, its queue, the options BullMQ runs it with, and (as a type) its payload. */
export interface JobDef<P> {
  readonly name: string;
  readonly queue: QueueName;
  readonly options: JobsOptions;
  /** Phantom field carrying the payload type; never set. */
  readonly payload?: P;
}

/** Retries with exponential backoff; failed jobs are kept for the dashboard and the reconciler. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: false,
};

/** The payload type of a job type: `JobPayload<typeof SchedulePickup>`. */
export type JobPayload<D> = D extends JobDef<infer P> ? P : never;

export function defineJob<P>(name: string, queue: QueueName, options: JobsOptions = {}): JobDef<P> {
  return { name, queue, options: { ...DEFAULT_JOB_OPTIONS, ...options } };
}

/** A job to be written to the outbox in the current transaction. */
export interface OutboxJob {
  def: JobDef<unknown>;
  payload: unknown;
  /** When the job should run; now if absent (delayed jobs: quote expiry, SLA timers...). */
  runAt?: Date;
}

export function job<P>(def: JobDef<P>, payload: P, runAt?: Date): OutboxJob {
  return { def: def, payload, runAt };
}

export interface JobContext {
  jobId: string;
  /** 1 for the first run. */
  attempt: number;
  maxAttempts: number;
}

export type JobHandler<P> = (payload: P, ctx: JobContext) => Promise<void>;
