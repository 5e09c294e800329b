import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { JobHandlerRegistry } from '../jobs/job-handler.registry.js';
import type { QueueName } from '../jobs/job-definition.js';
import { QueueService } from '../jobs/queue.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { jobOptionsFor } from './outbox-relay.js';
import { withSessionLock } from '../data/session-lock.js';

const RECONCILE_LOCK_ID = 724_311_002;

interface InFlightRow {
  id: string;
  queue: QueueName;
  name: string;
  payload: unknown;
  run_at: Date;
}

export interface ReconcileReport {
  checked: number;
  republished: number;
}

/**
 * Finds work that should be in flight but has no job in Redis (Redis can lose acknowledged
 * writes, or be emptied) and re-publishes it under the same id. One instance at a time, by
 * advisory lock. (Expired idempotency keys are deleted by the retention pruning.)
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    private readonly registry: JobHandlerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.reconcile()
        .catch((err: Error) => this.logger.warn(`Reconciler paused: ${err.message}`))
        .finally(() => (this.running = null));
    }, this.config.outbox.reconcileMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass. `staleAfterMs` = how long a published job may go unseen before we check Redis. */
  async reconcile(staleAfterMs = this.config.outbox.staleAfterMs): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, republished: 0 };
    await withSessionLock(this.dataSource, RECONCILE_LOCK_ID, async (runner) => {
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows = (await runner.query(
          `SELECT id, queue, name, payload, run_at FROM outbox
          WHERE published_at IS NOT NULL AND completed_at IS NULL AND failed_at IS NULL
            AND published_at < now() - make_interval(secs => $1::float8 / 1000) AND id > $2
          ORDER BY id LIMIT 500`,
          [staleAfterMs, after],
        )) as InFlightRow[];
        if (rows.length === 0) break;
        after = rows[rows.length - 1].id;
        report.checked += rows.length;
        // One EXISTS per job, sent together (a pipeline would refuse keys of different
        // queues on a Redis Cluster, where each queue has its own slot).
        const exists = await Promise.all(
          rows.map((r) => this.queues.connection.exists(this.queues.jobKey(r.queue, r.id))),
        );
        const lost = rows.filter((_, i) => exists[i] === 0);
        if (lost.length === 0) continue;
        const now = Date.now();
        for (const r of lost) {
          await this.queues.queue(r.queue).add(
            r.name,
            { outboxId: r.id, payload: r.payload },
            {
              ...jobOptionsFor(this.registry, r.name),
              jobId: r.id,
              delay: Math.max(0, new Date(r.run_at).getTime() - now),
            },
          );
        }
        await runner.query(
          'UPDATE outbox SET republished = republished + 1 WHERE id = ANY($1::uuid[])',
          [lost.map((r) => r.id)],
        );
        report.republished += lost.length;
        for (const r of lost) this.metrics.republished.inc({ queue: r.queue });
      }
    });
    if (report.republished > 0) {
      this.logger.warn(`Re-published ${report.republished} job(s) missing from Redis`);
    }
    return report;
  }
}
