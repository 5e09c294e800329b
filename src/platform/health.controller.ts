import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '../core/http/access.decorators.js';
import { ReadDatabase } from '../database/read-database.js';
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
    private readonly reads: ReadDatabase,
  ) {}

  /**
   * 200 when PostgreSQL, Redis and (when DATABASE_READ_URL is set) the read replica answer; 503
   * with the failing one named otherwise. The replica's replay backlog is reported, not judged:
   * a lagging replica still serves (its readers tolerate lag), a silent one does not.
   */
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
          await withinTwoSeconds(this.redis.ping());
          return redis.up();
        } catch (err) {
          return redis.down({ message: (err as Error).message });
        }
      },
      ...(this.reads.hasReplica ? [() => this.replica()] : []),
    ]);
  }

  /** The standby answers; how far its replay is behind what it has received. */
  private async replica() {
    const replica = this.indicators.check('replica');
    try {
      return replica.up({ ...(await withinTwoSeconds(this.reads.replayStatus())) });
    } catch (err) {
      return replica.down({ message: (err as Error).message });
    }
  }
}

function withinTwoSeconds<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), 2000);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
