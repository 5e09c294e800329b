import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type RepeatOptions } from 'bullmq';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { connectRedis, type RedisClient } from '../redis/redis-client.js';
import { type JobDef, QUEUE_NAMES, type QueueName } from './job-definition.js';

/**
 * The BullMQ key prefix of a queue. One Redis server: QUEUE_PREFIX itself, as always. A Redis
 * Cluster: a hash tag per queue (`{reloop-dispatch}`), because BullMQ's scripts touch many keys
 * of one queue at once and a cluster runs a script only on keys of one slot; one tag per queue,
 * not one for all, spreads the queues over the cluster's masters. No job spans two queues (no
 * flows), so nothing needs two queues in one slot.
 */
export function bullPrefix(
  config: Pick<AppConfig, 'queuePrefix' | 'redisCluster'>,
  queue: string,
): string {
  return config.redisCluster ? `{${config.queuePrefix}-${queue}}` : config.queuePrefix;
}

/**
 * The BullMQ queues, shared by the relay, the reconciler and the dashboard. Producers use a
 * connection without an offline queue, so a publish fails fast while Redis is down and the
 * outbox row simply waits for the next attempt.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  readonly connection: RedisClient;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly logger = new Logger(QueueService.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = connectRedis(config, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: false,
    });
    this.connection.on('error', () => undefined); // reported by health checks and callers
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: bullPrefix(this.config, name) });
      q.on('error', () => undefined);
      this.queues.set(name, q);
      // BullMQ readies a queue once, on its first command, and takes a cluster client's 'connect'
      // (slot map read, cluster state not yet checked) as ready; with no offline queue that first
      // command fails, leaving a queue that fails every call after. Forget such a queue, so the
      // next call (the relay's next attempt) makes a fresh one.
      const made = q;
      made.getBackend().client.catch(() => {
        if (this.queues.get(name) === made) this.queues.delete(name);
        void made.close().catch(() => undefined);
      });
    }
    return q;
  }

  all(): Queue[] {
    return QUEUE_NAMES.map((n) => this.queue(n));
  }

  /**
   * Keeps a repeatable job scheduled: a BullMQ job scheduler, one per Redis prefix however many
   * workers upsert it, running `def` (its name, queue, attempts and backoff) with `payload`. The
   * API does nothing: workers own the schedules. Never rejects: a failure is logged as `what`
   * not scheduled, so boot can start it without awaiting (a Redis outage must not hold start-up).
   */
  async scheduleRepeatable<P>(
    def: JobDef<P>,
    schedulerId: string,
    repeat: Omit<RepeatOptions, 'key'>,
    payload: P,
    what: string,
  ): Promise<void> {
    if (this.config.mode === 'api') return;
    try {
      await this.queue(def.queue).upsertJobScheduler(schedulerId, repeat, {
        name: def.name,
        data: { payload },
        opts: { attempts: def.options.attempts, backoff: def.options.backoff },
      });
    } catch (err) {
      this.logger.warn(`${what} not scheduled (${schedulerId}): ${(err as Error).message}`);
    }
  }

  /** Redis key of a job, for existence checks in bulk. */
  jobKey(queue: string, jobId: string): string {
    return `${bullPrefix(this.config, queue)}:${queue}:${jobId}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.connection.disconnect();
  }
}
