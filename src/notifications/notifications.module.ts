import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotifyOwner } from '../core/jobs/job-catalogue.js';
import type { JobContext } from '../core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { OwnerNotification } from './owner-notification.entity.js';

/** Where owner messages go. The default writes them to the database; a real SMS or e-mail
 *  gateway implements the same interface. */
export interface OwnerNotificationProvider {
  send(message: {
    jobId: string;
    userId: string;
    template: string;
    params: Record<string, unknown>;
  }): Promise<void>;
}

@Injectable()
export class DatabaseNotificationProvider implements OwnerNotificationProvider {
  constructor(private readonly dataSource: DataSource) {}

  async send(message: {
    jobId: string;
    userId: string;
    template: string;
    params: Record<string, unknown>;
  }) {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(OwnerNotification)
      .values({ ...message, channel: 'database' } as never)
      .orIgnore() // the same job delivered twice: one message
      .execute();
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([OwnerNotification])],
  providers: [DatabaseNotificationProvider],
  exports: [DatabaseNotificationProvider],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobHandlerRegistry,
    private readonly provider: DatabaseNotificationProvider,
  ) {}

  onModuleInit(): void {
    this.jobs.register(NotifyOwner, (payload, ctx: JobContext) =>
      this.provider.send({ jobId: ctx.jobId, ...payload }),
    );
  }
}
