import { Module } from '@nestjs/common';
import { JobWorkers } from './jobs/job-workers.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import { Reconciler } from './outbox/reconciler.js';

/** Present in `worker` and `all` mode: runs jobs, relays the outbox, reconciles lost jobs. */
@Module({ providers: [JobWorkers, OutboxRelay, Reconciler], exports: [OutboxRelay, Reconciler] })
export class WorkerModule {}
