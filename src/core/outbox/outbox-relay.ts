import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { JobHandlerRegistry } from '../jobs/job-handler.registry.js';
import { DEFAULT_JOB_OPTIONS, type QueueName } from '../jobs/job-definition.js';
import { QueueService } from '../jobs/queue.service.js';
import { OUTBOX_CHANNEL } from './outbox.service.js';

interface PendingRow {
  id: string;
  queue: QueueName;
  name: string;
  payload: unknown;
  run_at: Date;
}

/** Options BullMQ gets for an outbox row: the job type's own, or the defaults. */
export function jobOptionsFor(registry: JobHandlerRegistry, name: string) {
  return registry.get(name)?.def.options ?? DEFAULT_JOB_OPTIONS;
}

/**
 * Moves committed outbox rows into BullMQ (job id = outbox id), then marks them published.
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of workers can relay at once.
 * Wakes on NOTIFY from a committing transaction, and polls as a fallback.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    private readonly registry: JobHandlerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.listen();
    this.timer = setInterval(() => this.kick(), this.config.outbox.pollMs);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.listener?.end().catch(() => undefined);
  }

  /** Starts a drain unless one is running; a kick during a drain makes it go round once more. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          while (!this.stopped && (await this.publishBatch()) === this.config.outbox.batchSize);
        } catch (err) {
          this.logger.warn(`Outbox relay paused: ${(err as Error).message}`);
          break; // the next poll tries again
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  /** Publishes one batch; returns how many rows it published. */
  async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<PendingRow[]>(
        `SELECT id, queue, name, payload, run_at FROM outbox
          WHERE published_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.config.outbox.batchSize],
      );
      if (rows.length === 0) return 0;
      const now = Date.now();
      const byQueue = new Map<QueueName, PendingRow[]>();
      for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
      for (const [queue, list] of byQueue) {
        await this.queues.queue(queue).addBulk(
          list.map((r) => ({
            name: r.name,
            data: { outboxId: r.id, payload: r.payload },
            opts: {
              ...jobOptionsFor(this.registry, r.name),
              jobId: r.id,
              delay: Math.max(0, new Date(r.run_at).getTime() - now),
            },
          })),
        );
      }
      await manager.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  private async listen(): Promise<void> {
    while (!this.stopped) {
      const client = new pg.Client({ connectionString: this.config.databaseUrl });
      try {
        client.on('notification', () => this.kick());
        await client.connect();
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        this.listener = client;
        await new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
        });
      } catch {
        // PostgreSQL unavailable: polling keeps trying; reconnect the listener shortly.
      }
      this.listener = null;
      await client.end().catch(() => undefined);
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
