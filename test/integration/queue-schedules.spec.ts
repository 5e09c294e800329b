// The one way a repeatable job is scheduled at boot (QueueService.scheduleRepeatable): workers
// upsert a BullMQ job scheduler built from the job's definition, the API leaves schedules alone,
// and a scheduler Redis refuses is a warning, never an error at start-up. (While Redis is down
// the upsert waits for it: boot does not await it.)
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { AppConfig, RunMode } from '../../src/config/app-config.js';
import { ReconcileStatements } from '../../src/core/jobs/job-catalogue.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { TEST_REDIS_URL } from '../support/databases.js';

describe('scheduling a repeatable job', () => {
  const services: QueueService[] = [];
  const configOf = (mode: RunMode, redisUrl = TEST_REDIS_URL) =>
    ({
      mode,
      redisUrl,
      redisCluster: null,
      queuePrefix: `s${randomBytes(5).toString('hex')}`,
    }) as unknown as AppConfig;
  const queueService = (mode: RunMode) => {
    const service = new QueueService(configOf(mode));
    services.push(service);
    return service;
  };
  const schedule = (service: QueueService) =>
    service.scheduleRepeatable(
      ReconcileStatements,
      'reconcile-daily',
      { pattern: '30 10 * * *', tz: 'Asia/Shanghai' },
      { provider: null, day: null, trigger: 'scheduled' },
      'The daily reconciliation',
    );

  afterEach(async () => {
    for (const service of services.splice(0)) {
      await service.queue(ReconcileStatements.queue).obliterate({ force: true });
      await service.onApplicationShutdown();
    }
    jest.restoreAllMocks();
  });

  it('upserts a scheduler of the job, with its attempts and backoff, in a worker', async () => {
    const service = queueService('worker');
    await schedule(service);
    await schedule(service); // a second worker's boot: still one scheduler
    const queue = service.queue(ReconcileStatements.queue);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({
      key: 'reconcile-daily',
      name: ReconcileStatements.name,
      pattern: '30 10 * * *',
      tz: 'Asia/Shanghai',
      template: {
        data: { payload: { provider: null, day: null, trigger: 'scheduled' } },
        opts: {
          attempts: ReconcileStatements.options.attempts,
          backoff: ReconcileStatements.options.backoff,
        },
      },
    });
  });

  it('leaves schedules to the workers in the api mode', async () => {
    const service = queueService('api');
    await schedule(service);
    expect(await service.queue(ReconcileStatements.queue).getJobSchedulers()).toEqual([]);
  });

  it('warns, and does not fail, when Redis refuses the scheduler', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest
      .spyOn(Queue.prototype, 'upsertJobScheduler')
      .mockRejectedValueOnce(new Error("READONLY You can't write against a read only replica."));
    const service = queueService('worker');
    await expect(schedule(service)).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(
      "The daily reconciliation not scheduled (reconcile-daily): READONLY You can't write against a read only replica.",
    );
    expect(await service.queue(ReconcileStatements.queue).getJobSchedulers()).toEqual([]);
  });
});
