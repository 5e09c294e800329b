import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module.js';
import { AccessGuard } from './auth/access.guard.js';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { CoreModule } from './core/core.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { QUEUE_NAMES } from './core/jobs/job-definition.js';
import { HttpExceptionFilter } from './core/http/http-exception.filter.js';
import { createValidationPipe } from './core/http/validation.js';
import { IdempotencyInterceptor } from './core/idempotency/idempotency.interceptor.js';
import { WorkerModule } from './core/worker.module.js';
import { typeOrmOptions } from './database/database.js';
import { MoneyModule } from './money/money.module.js';
import { LogisticsModule } from './logistics/logistics.module.js';
import { PhotosModule } from './photos/photos.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { GradingModule } from './grading/grading.module.js';
import { HealthController } from './platform/health.controller.js';
import { httpLogOptions } from './platform/logging.js';
import { OpsServer } from './platform/ops-server.js';
import { QueueDashboardController } from './platform/queue-dashboard.js';
import { RedisModule } from './platform/redis.provider.js';
import { ServiceAreasModule } from './service-areas/service-areas.module.js';
import { SupportModule } from './support/support.module.js';
import { TrackingModule } from './tracking/tracking.module.js';
import { ValuationModule } from './valuation/valuation.module.js';
import { AcquisitionModule } from './acquisition/acquisition.module.js';
import { ErasureModule } from './erasure/erasure.module.js';
import { RefurbishmentModule } from './refurbishment/refurbishment.module.js';
import { RecyclingModule } from './recycling/recycling.module.js';
import { ResaleModule } from './resale/resale.module.js';
import { VehiclesModule } from './vehicles/vehicles.module.js';

/**
 * Connections per process: a worker runs every queue at WORKER_CONCURRENCY and each running
 * handler may hold a connection, plus the relay and reconciler, plus the API in `all` mode.
 * A smaller pool made jobs time out waiting for a connection under load (see the benchmark).
 */
function databasePoolSize(config: AppConfig): number {
  if (config.databasePoolSize) return config.databasePoolSize;
  const workers = QUEUE_NAMES.length * config.workerConcurrency + 5;
  return config.mode === 'api' ? 20 : config.mode === 'worker' ? workers : workers + 20;
}

/** The stage modules, in the order of the item's journey. */
const STAGES = [
  CredentialsModule,
  NotificationsModule,
  MoneyModule,
  ServiceAreasModule,
  LogisticsModule,
  GradingModule,
  ErasureModule,
  SupportModule,
  TrackingModule,
  ValuationModule,
  AcquisitionModule,
  RefurbishmentModule,
  RecyclingModule,
  ResaleModule,
  VehiclesModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // One root logger (redacting secrets) shared with the routes mounted outside Nest.
        LoggerModule.forRoot({ pinoHttp: httpLogOptions(config) }),
        TypeOrmModule.forRoot({
          ...typeOrmOptions(config.databaseUrl, databasePoolSize(config)),
          autoLoadEntities: true,
        }),
        RedisModule,
        TerminusModule,
        AuthModule,
        CoreModule,
        AccountsModule,
        PhotosModule,
        ...STAGES,
        ...(config.mode === 'api' ? [] : [WorkerModule]),
      ],
      controllers: [HealthController, QueueDashboardController],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_PIPE, useValue: createValidationPipe() },
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
        OpsServer,
      ],
    };
  }
}
