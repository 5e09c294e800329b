import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { QueueService } from '../../core/jobs/queue.service.js';
import { ReconcileStatements } from '../../core/jobs/job-catalogue.js';
import type { JobPayload } from '../../core/jobs/job-definition.js';
import { ReconciliationRepository } from '../data/reconciliation.repository.js';
import { PaymentProviders } from '../providers/payment-providers.js';
import { chinaDay, DAY } from './reconciliation.service.js';
import { ReconciliationRuns } from './reconciliation-runs.service.js';

export const RECONCILIATION_SCHEDULER_ID = 'reconcile-statements-daily';

/**
 * The daily reconciliation's schedule: the workers keep a repeatable ReconcileStatements job,
 * which reconciles yesterday's statement (China time) of every provider that publishes them.
 */
@Injectable()
export class ReconciliationSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationSchedule.name);

  constructor(
    private readonly queues: QueueService,
    @Inject(PaymentProviders) private readonly providers: PaymentProviders,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: ReconciliationRepository,
    private readonly reconciliation: ReconciliationRuns,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.mode === 'api') return; // workers own the schedule
    // Not awaited: with Redis down the queue waits for it, and start-up must not.
    void this.queues
      .queue(ReconcileStatements.queue)
      .upsertJobScheduler(
        RECONCILIATION_SCHEDULER_ID,
        { pattern: this.config.payments.reconciliationCron, tz: 'Asia/Shanghai' },
        {
          name: ReconcileStatements.name,
          data: { payload: { provider: null, day: null, trigger: 'scheduled' } },
          opts: {
            attempts: ReconcileStatements.options.attempts,
            backoff: ReconcileStatements.options.backoff,
          },
        },
      )
      .catch((err: Error) =>
        this.logger.warn(`Could not schedule the daily reconciliation: ${err.message}`),
      );
  }

  /** The scheduled job: yesterday's statement (China time) of every provider that has them. */
  async runJob(p: JobPayload<typeof ReconcileStatements>): Promise<void> {
    const day = p.day ?? chinaDay(new Date(Date.now() - DAY));
    const providers = p.provider
      ? [this.reconciliation.statementProvider(p.provider)]
      : this.providers.all().filter((x) => x.fetchStatement && x.parseStatement);
    for (const provider of providers) {
      if (p.trigger === 'scheduled') {
        // A retried job does not run again the providers it already reconciled.
        if (await this.runs.scheduledRunDone(provider.name, day)) continue;
      }
      await this.reconciliation.reconcile({
        provider: provider.name,
        day,
        trigger: p.trigger,
        requestedBy: null,
      });
    }
  }
}
