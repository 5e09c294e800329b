import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, Reflector } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module.js';
import { AccessGuard } from './auth/access.guard.js';
import { LOGIN_THROTTLE_KEY } from './auth/access.decorators.js';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { APP_CONFIG, ConfigModule } from './config/config.module.js';
import { CoreModule } from './core/core.module.js';
import { HttpExceptionFilter } from './core/http/http-exception.filter.js';
import { createValidationPipe } from './core/http/validation.js';
import { IdempotencyInterceptor } from './core/idempotency/idempotency.interceptor.js';
import { WorkerModule } from './core/worker.module.js';
import { typeOrmOptions } from './database/database.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { HealthController } from './platform/health.controller.js';
import { REDIS, RedisModule } from './platform/redis.provider.js';
import { RedisThrottlerStorage } from './platform/redis-throttler.storage.js';

/** The stage modules, in the order of the item's journey. */
const STAGES = [NotificationsModule];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const reflector = new Reflector();
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req) => String(req.headers['x-request-id']),
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            autoLogging: { ignore: (req) => req.url === '/health' },
          },
        }),
        TypeOrmModule.forRoot({ ...typeOrmOptions(config.databaseUrl), autoLoadEntities: true }),
        RedisModule,
        ThrottlerModule.forRootAsync({
          inject: [REDIS, APP_CONFIG],
          useFactory: (redis: Redis, cfg: AppConfig) => ({
            storage: new RedisThrottlerStorage(redis, cfg.queuePrefix),
            throttlers: [
              { name: 'default', ttl: 60_000, limit: cfg.rateLimit.perMinute },
              {
                name: 'login',
                ttl: 60_000,
                limit: cfg.rateLimit.loginPerMinute,
                blockDuration: 60_000,
                skipIf: (ctx) => !reflector.get<boolean>(LOGIN_THROTTLE_KEY, ctx.getHandler()),
              },
            ],
          }),
        }),
        TerminusModule,
        AuthModule,
        CoreModule,
        AccountsModule,
        ...STAGES,
        ...(config.mode === 'api' ? [] : [WorkerModule]),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useValue: createValidationPipe() },
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
      ],
    };
  }
}
