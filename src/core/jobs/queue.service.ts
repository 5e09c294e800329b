import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { QUEUE_NAMES, type QueueName } from './job-definition.js';

/**
 * The BullMQ queues, shared by the relay, the reconciler and the dashboard. Producers use a
 * connection without an offline queue, so a publish fails fast while Redis is down and the
 * outbox row simply waits for the next attempt.
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  readonly connection: Redis;
  private readonly queues = new Map<QueueName, Queue>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.connection = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: false,
    });
    this.connection.on('error', () => undefined); // reported by health checks and callers
  }

  get prefix(): string {
    return this.config.queuePrefix;
  }

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.config.queuePrefix });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  all(): Queue[] {
    return QUEUE_NAMES.map((n) => this.queue(n));
  }

  /** Redis key of a job, for existence checks in bulk. */
  jobKey(queue: string, jobId: string): string {
    return `${this.config.queuePrefix}:${queue}:${jobId}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.connection.disconnect();
  }
}
