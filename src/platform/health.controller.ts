import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../core/http/access.decorators.js';
import { REDIS } from './redis.provider.js';
import type { RedisClient } from '../core/redis/redis-client.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  /** 200 when PostgreSQL and Redis both answer; 503 with the failing one named otherwise. */
  @Get()
  @Public()
  // Documented by our own document builder like every route: terminus's swagger decorators load
  // only where `require` works, so the document would differ between Node and the tests.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      async () => {
        const redis = this.indicators.check('redis');
        try {
          await Promise.race([
            this.redis.ping(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
          ]);
          return redis.up();
        } catch (err) {
          return redis.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
