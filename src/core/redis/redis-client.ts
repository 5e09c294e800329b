import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';

/** A connection to the platform's Redis: one server (REDIS_URL) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Opens a connection with these options, to the one server of REDIS_URL or, when
 * REDIS_CLUSTER_NODES is set, to the cluster. Every connection the platform makes goes through
 * here, so the two never diverge. On a cluster the options apply to each node, except the
 * offline queue, auto-pipelining, lazy connect and the retry strategy, which belong to the
 * cluster client.
 */
export function connectRedis(
  config: Pick<AppConfig, 'redisUrl' | 'redisCluster'>,
  options: RedisOptions = {},
): RedisClient {
  const cluster = config.redisCluster;
  if (!cluster) return new Redis(config.redisUrl, options);
  const { enableOfflineQueue, enableAutoPipelining, lazyConnect, retryStrategy, ...perNode } =
    options;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...perNode,
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(enableAutoPipelining !== undefined ? { enableAutoPipelining } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
  };
  return new Cluster(cluster.nodes, clusterOptions);
}

/** Where a client's commands go, for messages: `host:port` or `cluster host:port,…`. */
export function redisWhere(config: Pick<AppConfig, 'redisUrl' | 'redisCluster'>): string {
  if (config.redisCluster) {
    return `cluster ${config.redisCluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  }
  const url = new URL(config.redisUrl);
  return `${url.hostname}:${url.port || 6379}`;
}
