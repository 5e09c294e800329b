import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { Clock } from '../clock.js';
import { PruneRetention } from '../jobs/job-catalogue.js';
import { QueueService } from '../jobs/queue.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { execute } from '../sql.js';
import { withSessionLock } from '../data/session-lock.js';

/** What a pruning task gets: the run's instant (from the platform clock) and the database. */
export interface PruneContext {
  now: Date;
  dataSource: DataSource;
}

/** One kind of finished row and how to delete those past their keeping period. */
export interface PruneTask {
  /** The table (or store) it prunes: the `table` label of the pruned-rows counter. */
  table: string;
  prune(ctx: PruneContext): Promise<number>;
}

export interface RetentionReport {
  /** false: another process was pruning (advisory lock), nothing was done. */
  ran: boolean;
  pruned: Record<string, number>;
}

export const RETENTION_SCHEDULER_ID = 'prune-retention';
const RETENTION_LOCK_ID = 724_311_009;
/** Rows per DELETE: short statements, short locks; the loop takes the rest. */
export const PRUNE_BATCH = 5000;
export const DAY_MS = 86_400_000;

/** `now` minus a keeping period given in days. */
export function before(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Runs a `DELETE … WHERE id IN (SELECT … LIMIT $n)` until a round deletes fewer than a batch.
 * `sql` uses `$1` for the cutoff and `$2` for the batch size; returns the rows deleted.
 */
export async function deleteInBatches(
  dataSource: DataSource,
  sql: string,
  cutoff: Date,
): Promise<number> {
  let total = 0;
  for (;;) {
    const { affected } = await execute(dataSource.manager, sql, [cutoff, PRUNE_BATCH]);
    total += affected;
    if (affected < PRUNE_BATCH) return total;
  }
}

/**
 * Retention (issue 25, point 5): tables that only grow are pruned daily by the `prune-retention`
 * job. The core prunes its own rows (outbox, idempotency keys, failed BullMQ jobs); a module
 * registers a task for its own (notifications: delivered webhooks, finished owner notices).
 * Only finished rows past their period go: never an unpublished or in-flight outbox row, a
 * pending delivery or notice, and never the item history or the ledger (both append-only:
 * their triggers refuse a DELETE). One process at a time, by advisory lock.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private readonly tasks: PruneTask[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const keep = config.retention;
    this.register({
      table: 'outbox',
      prune: async ({ now, dataSource }) =>
        // Completed jobs only: unpublished and in-flight rows are the relay's and the
        // reconciler's work list. A row failed for good is kept longer (someone looks into it).
        (await deleteInBatches(
          dataSource,
          `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
             WHERE completed_at IS NOT NULL AND completed_at < $1 LIMIT $2)`,
          before(now, keep.outboxCompletedDays),
        )) +
        (await deleteInBatches(
          dataSource,
          `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
             WHERE failed_at IS NOT NULL AND failed_at < $1 LIMIT $2)`,
          before(now, keep.outboxFailedDays),
        )),
    });
    this.register({
      table: 'idempotency_keys',
      prune: ({ now, dataSource }) =>
        deleteInBatches(
          dataSource,
          `DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key
             FROM idempotency_keys WHERE created_at < $1 LIMIT $2)`,
          new Date(now.getTime() - keep.idempotencyKeyHours * 3_600_000),
        ),
    });
    this.register({ table: 'bullmq_failed_jobs', prune: ({ now }) => this.pruneFailedJobs(now) });
  }

  /** Adds a module's pruning task (call from its `onModuleInit`). */
  register(task: PruneTask): void {
    this.tasks.push(task);
  }

  /** One pruning pass over every task; a task that fails is logged and the others still run. */
  async prune(): Promise<RetentionReport> {
    const report: RetentionReport = { ran: false, pruned: {} };
    const pass = await withSessionLock(this.dataSource, RETENTION_LOCK_ID, async () => {
      report.ran = true;
      const now = this.clock.now();
      let failure: Error | null = null;
      for (const task of this.tasks) {
        try {
          const n = await task.prune({ now, dataSource: this.dataSource });
          report.pruned[task.table] = (report.pruned[task.table] ?? 0) + n;
          if (n > 0) this.metrics.pruned.inc({ table: task.table }, n);
        } catch (err) {
          failure = err as Error;
          this.logger.warn(`Retention: pruning ${task.table} failed: ${failure.message}`);
        }
      }
      return { failure };
    });
    if (!pass) return report; // another worker is pruning
    const total = Object.values(report.pruned).reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.log(`Retention: pruned ${JSON.stringify(report.pruned)}`);
    // Throw so the job is retried (its tasks are idempotent) once every task had its turn.
    if (pass.failure) throw pass.failure;
    return report;
  }

  /** The daily schedule, by the workers. */
  schedule(): Promise<void> {
    return this.queues.scheduleRepeatable(
      PruneRetention,
      RETENTION_SCHEDULER_ID,
      { pattern: this.config.retention.cron },
      { trigger: 'scheduled' },
      'Retention pruning',
    );
  }

  /**
   * Jobs BullMQ keeps as failed for good (`removeOnFail: false`, for the dashboard) whose
   * failure is older than the period. The cutoff comes from the platform clock like the others.
   */
  private async pruneFailedJobs(now: Date): Promise<number> {
    const graceMs = Math.max(
      0,
      Date.now() - before(now, this.config.retention.failedJobDays).getTime(),
    );
    let total = 0;
    for (const queue of this.queues.all()) {
      for (;;) {
        const removed = await queue.clean(graceMs, 1000, 'failed');
        total += removed.length;
        if (removed.length < 1000) break;
      }
    }
    return total;
  }
}
