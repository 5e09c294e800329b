import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { accessPolicyProblems } from './access/access-policy.js';
import { Clock } from './clock.js';
import { HistoryPartitions } from './history/history-partitions.js';
import { HistoryService } from './history/history.service.js';
import { ItemEvent } from './history/item-event.entity.js';
import { IdempotencyKey } from './idempotency/idempotency-key.entity.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { Item } from './items/item.entity.js';
import { ItemMachine } from './items/item.machine.js';
import { ItemsController } from './items/items.controller.js';
import { ItemsService } from './items/items.service.js';
import { AddHistoryPartitions, PruneRetention, SweepStuckWork } from './jobs/job-catalogue.js';
import { JobHandlerRegistry } from './jobs/job-handler.registry.js';
import { MetricsService } from './metrics/metrics.service.js';
import { QueueService } from './jobs/queue.service.js';
import { OutboxEntry } from './outbox/outbox.entity.js';
import { OutboxService } from './outbox/outbox.service.js';
import { RetentionService } from './retention/retention.service.js';
import { StateMachineRegistry } from './state-machine/state-machine.registry.js';
import { StateMachinesController } from './state-machine/state-machines.controller.js';
import { StuckWorkController } from './sweeper/stuck-work.controller.js';
import { StuckWorkService } from './sweeper/stuck-work.service.js';
import { TransitionService } from './state-machine/transition.service.js';
import { ReadDatabase } from '../database/read-database.js';
import { OrderNumbers } from './read-models/order-numbers.js';

const SERVICES = [
  Clock,
  StateMachineRegistry,
  TransitionService,
  HistoryService,
  HistoryPartitions,
  OutboxService,
  JobHandlerRegistry,
  QueueService,
  ItemsService,
  IdempotencyInterceptor,
  StuckWorkService,
  MetricsService,
  RetentionService,
  ReadDatabase,
  OrderNumbers,
];

/** The shared core every stage builds on: state machines, history, outbox, jobs, items. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Item, ItemEvent, OutboxEntry, IdempotencyKey])],
  controllers: [ItemsController, StateMachinesController, StuckWorkController],
  providers: SERVICES,
  exports: SERVICES,
})
export class CoreModule implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(CoreModule.name);

  constructor(
    private readonly machines: StateMachineRegistry,
    private readonly jobs: JobHandlerRegistry,
    private readonly stuck: StuckWorkService,
    private readonly retention: RetentionService,
    private readonly partitions: HistoryPartitions,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    // Every access policy compares real columns of its entity (a typo would hide every row).
    const problems = await accessPolicyProblems(
      (e) => this.dataSource.getMetadata(e),
      async (table) =>
        (
          await this.dataSource.query<Array<{ name: string }>>(
            `SELECT column_name AS name FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = $1`,
            [table],
          )
        ).map((c) => c.name),
    );
    if (problems.length > 0) throw new Error(`Access policies: ${problems.join('; ')}`);
    this.machines.register(ItemMachine);
    this.jobs.register(SweepStuckWork, async () => {
      await this.stuck.sweep();
    });
    this.jobs.register(PruneRetention, async () => {
      await this.retention.prune();
    });
    this.jobs.register(AddHistoryPartitions, async () => {
      const made = await this.partitions.addAhead();
      if (made.length > 0) this.logger.log(`History partitions made: ${made.join(', ')}`);
    });
  }

  /**
   * The sweeper runs every few minutes, the retention pruning and the history partitions ahead
   * daily (BullMQ job schedulers: one per Redis prefix, however many workers upsert them).
   */
  onApplicationBootstrap(): void {
    // Tests run the sweep themselves; a scheduler would outlive each test's private prefix.
    if (this.config.env === 'test') return;
    // Not awaited: start-up must not wait for Redis.
    void this.queues.scheduleRepeatable(
      SweepStuckWork,
      'sweep-stuck-work',
      { every: SWEEP_STUCK_WORK_EVERY_MS },
      { trigger: 'scheduled' },
      'The stuck-work sweep',
    );
    void this.retention.schedule();
    void this.partitions.schedule();
  }
}

/** How often the sweeper looks for stuck work (the shortest limit is 20 minutes). */
export const SWEEP_STUCK_WORK_EVERY_MS = 5 * 60_000;
