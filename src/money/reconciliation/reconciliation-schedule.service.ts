import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
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
  constructor(
    private readonly queues: QueueService,
    @Inject(PaymentProviders) private readonly providers: PaymentProviders,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runs: ReconciliationRepository,
    private readonly reconciliation: ReconciliationRuns,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: start-up must not wait for Redis.
    void this.queues.scheduleRepeatable(
      ReconcileStatements,
      RECONCILIATION_SCHEDULER_ID,
      { pattern: this.config.payments.reconciliationCron, tz: 'Asia/Shanghai' },
      { provider: null, day: null, trigger: 'scheduled' },
      'The daily reconciliation',
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
