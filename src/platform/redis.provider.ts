import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { connectRedis, type RedisClient } from '../core/redis/redis-client.js';

export const REDIS = Symbol('REDIS');

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}
  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/**
 * One general-purpose Redis connection (health, rate limits, sessions, the dashboard's tickets);
 * queues have their own. Only single-key commands go through it, so it works on a cluster too.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const redis = connectRedis(config, {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          // Commands issued in the same tick (a request's session and user-state GETs) leave in
          // one write: each socket write is a system call, the API's largest CPU cost per request.
          enableAutoPipelining: true,
        });
        redis.on('error', () => undefined); // surfaced by /health and by the calls that fail
        return redis;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
