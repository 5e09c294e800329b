import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../clock.js';
import { AddHistoryPartitions } from '../jobs/job-catalogue.js';
import { QueueService } from '../jobs/queue.service.js';

/** Months of history partitions kept ready beyond the current one (as the migration made). */
export const HISTORY_MONTHS_AHEAD = 3;
export const HISTORY_PARTITIONS_SCHEDULER_ID = 'add-history-partitions';
/** Daily at 03:15 (server time): a month ahead leaves weeks to notice a job that stopped. */
export const HISTORY_PARTITIONS_CRON = '15 3 * * *';

/** `item_events_2027_03` for March 2027 (UTC), as `item_events_add_month` names it. */
export function historyPartitionName(month: Date): string {
  const m = String(month.getUTCMonth() + 1).padStart(2, '0');
  return `item_events_${month.getUTCFullYear()}_${m}`;
}

/**
 * The item history is partitioned by month on `at` (issue 27 point 6). A daily job makes the
 * partitions of the current month and the next HISTORY_MONTHS_AHEAD ahead of need, so appends
 * never land in the default partition (from where a month's partition could no longer be
 * made without moving rows by hand). The SQL function `item_events_add_month` does the work
 * under an advisory lock, so workers running it at once do not collide.
 */
@Injectable()
export class HistoryPartitions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly queues: QueueService,
  ) {}

  /** Makes the missing partitions from the current month on; returns the names it made. */
  async addAhead(): Promise<string[]> {
    const now = this.clock.now();
    const made: string[] = [];
    for (let ahead = 0; ahead <= HISTORY_MONTHS_AHEAD; ahead++) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1));
      const [row] = await this.dataSource.query<Array<{ made: boolean }>>(
        'SELECT item_events_add_month($1::date) AS made',
        [month.toISOString().slice(0, 10)],
      );
      if (row.made) made.push(historyPartitionName(month));
    }
    return made;
  }

  /** Daily, by the workers. */
  schedule(): Promise<void> {
    return this.queues.scheduleRepeatable(
      AddHistoryPartitions,
      HISTORY_PARTITIONS_SCHEDULER_ID,
      { pattern: HISTORY_PARTITIONS_CRON },
      { trigger: 'scheduled' },
      'History partitions',
    );
  }
}
