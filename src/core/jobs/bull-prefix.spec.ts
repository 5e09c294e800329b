import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/app-config.js';
import { bullPrefix } from './queue.service.js';

describe('BullMQ key prefix', () => {
  it('is the plain prefix on one Redis server, a hash tag per queue on a cluster (issue 27)', () => {
    expect(bullPrefix(loadConfig({}), 'dispatch')).toBe('reloop');
    const cluster = loadConfig({
      REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379',
      QUEUE_PREFIX: 'rl',
    });
    // Each queue its own hash tag: its keys in one slot, the queues spread over the masters.
    expect(bullPrefix(cluster, 'dispatch')).toBe('{rl-dispatch}');
    expect(bullPrefix(cluster, 'erasure')).toBe('{rl-erasure}');
  });
});
