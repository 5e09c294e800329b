// The producers' queues on a real Redis Cluster (issue 27, point 5). An ioredis cluster client
// reports 'connect' once it has the slot map, then asks CLUSTER INFO before it is 'ready'; BullMQ
// takes 'connect' as ready and sends its first command in between, which a client without an
// offline queue refuses. That queue used to fail every call after, so on a loaded machine a
// queue's jobs were never published (the Redis Cluster e2e failed now and then on exactly that).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Queue } from 'bullmq';
import { redisClusterSettings, type AppConfig } from '../../src/config/app-config.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { startRedisCluster, type RedisClusterFixture } from '../support/redis-cluster.js';

describe('queues on a Redis Cluster', () => {
  let cluster: RedisClusterFixture | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('makes a queue first used before the cluster client was ready again, instead of failing for good', async () => {
    const redisUrl = 'redis://127.0.0.1:6379';
    const config = {
      queuePrefix: 'queue-cluster',
      redisUrl,
      redisCluster: redisClusterSettings(cluster!.nodes, redisUrl),
    } as AppConfig;
    const service = new QueueService(config);
    try {
      // The moment the client has the slot map and is checking the cluster's state.
      const early = await new Promise<Queue>((resolve) =>
        service.connection.once('connect', () => resolve(service.queue('valuation'))),
      );
      await expect(early.getJobCounts('waiting')).rejects.toThrow(/isn't ready/);

      let counts: Record<string, number> | undefined;
      for (let i = 0; i < 100 && !counts; i++) {
        counts = await service
          .queue('valuation')
          .getJobCounts('waiting')
          .catch(() => undefined);
        if (!counts) await new Promise((r) => setTimeout(r, 100));
      }
      expect(counts).toEqual({ waiting: 0 });
      expect(service.queue('valuation')).not.toBe(early);
    } finally {
      await service.onApplicationShutdown();
    }
  });
});
