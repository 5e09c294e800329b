import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { connectRedis, type RedisClient } from '../redis/redis-client.js';
import { QUEUE_NAMES } from './job-definition.js';
import { bullPrefix } from './queue.service.js';
import { JobHandlerRegistry } from './job-handler.registry.js';
import { MetricsService } from '../metrics/metrics.service.js';

interface JobData {
  outboxId?: string;
  payload: unknown;
}

/**
 * The BullMQ workers of this process: one per queue, dispatching each job to its registered
 * handler. A handler throws to fail; BullMQ retries with backoff. When a job finishes, its
 * outbox row is marked so the reconciler stops watching it.
 */
@Injectable()
export class JobWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobWorkers.name);
  private readonly workers: Worker[] = [];
  /** Cluster connections handed to the workers: BullMQ does not close a connection it was given. */
  private readonly clusterConnections: RedisClient[] = [];

  constructor(
    private readonly registry: JobHandlerRegistry,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const missing = this.registry.missingHandlers();
    if (missing.length > 0) throw new Error(`No handler for job(s): ${missing.join(', ')}`);
    for (const queue of QUEUE_NAMES) {
      const worker = new Worker<JobData>(queue, (job) => this.run(job), {
        connection: this.workerConnection(),
        prefix: bullPrefix(this.config, queue),
        concurrency: this.config.workerConcurrency,
        // A worker killed mid-job leaves it stalled; another worker takes it over. Allow a few
        // such takeovers before BullMQ gives up on the job (the default is one).
        maxStalledCount: 5,
      });
      worker.on('error', (err) => this.logger.warn(`Worker ${queue}: ${err.message}`));
      worker.on('failed', (job, err) => void this.onFailed(job, err));
      this.workers.push(worker);
    }
  }

  /**
   * Each queue's worker in this process: still running, and the state of its Redis connection
   * ('ready' when it can take jobs; 'reconnecting' or 'connecting' while Redis is away).
   */
  async status(): Promise<Array<{ queue: string; running: boolean; workerRedis: string }>> {
    return Promise.all(
      this.workers.map(async (w) => {
        const client = await Promise.race([
          w.getBackend().client.catch(() => null),
          new Promise<null>((r) => setTimeout(() => r(null), 1000)),
        ]);
        return { queue: w.name, running: w.isRunning(), workerRedis: client?.status ?? 'unknown' };
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
    for (const c of this.clusterConnections) c.disconnect();
  }

  /**
   * One server: connection options, and BullMQ opens (and closes) the worker's connections. A
   * cluster: BullMQ only takes a cluster as a client, so one per worker, closed on shutdown.
   */
  private workerConnection(): RedisClient | { url: string; maxRetriesPerRequest: null } {
    if (!this.config.redisCluster) return { url: this.config.redisUrl, maxRetriesPerRequest: null };
    const cluster = connectRedis(this.config, { maxRetriesPerRequest: null });
    this.clusterConnections.push(cluster);
    return cluster;
  }

  /** Runs the job, timing it per queue and job type. */
  private async run(job: Job<JobData>): Promise<void> {
    const stop = this.metrics.jobDuration.startTimer({ queue: job.queueName, name: job.name });
    try {
      await this.runHandler(job);
      stop({ outcome: 'completed' });
    } catch (err) {
      stop({ outcome: 'failed' });
      throw err;
    }
  }

  private async runHandler(job: Job<JobData>): Promise<void> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new UnrecoverableError(`No handler for job ${job.name}`);
    await handler.run(job.data.payload, {
      jobId: job.id ?? '',
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
    });
    if (job.data.outboxId) {
      await this.dataSource.query(
        'UPDATE outbox SET completed_at = now() WHERE id = $1 AND completed_at IS NULL',
        [job.data.outboxId],
      );
    }
  }

  private async onFailed(job: Job<JobData> | undefined, err: Error): Promise<void> {
    if (!job) return;
    // Out of attempts, unrecoverable, or stalled too often: BullMQ keeps the job as failed, so
    // mark the outbox row too — visible and replayable, never silently waiting forever.
    const final =
      err instanceof UnrecoverableError ||
      job.attemptsMade >= (job.opts.attempts ?? 1) ||
      /more than allowable limit/i.test(err.message);
    this.metrics.jobFailures.inc({ queue: job.queueName, name: job.name, final: String(final) });
    if (!final || !job.data.outboxId) return;
    this.logger.error(`Job ${job.name} ${job.id} failed for good: ${err.message}`);
    await this.dataSource
      .query('UPDATE outbox SET failed_at = now(), last_error = $2 WHERE id = $1', [
        job.data.outboxId,
        err.message.slice(0, 2000),
      ])
      .catch(() => undefined);
  }
}
