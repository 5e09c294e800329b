import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
} from 'prom-client';
import { DataSource, type EntitySubscriberInterface, type QueryRunner } from 'typeorm';
import { QUEUE_NAMES } from '../jobs/job-definition.js';
import { ReadDatabase, type ReplayStatus } from '../../database/read-database.js';
import { QueueService } from '../jobs/queue.service.js';

/** Job states BullMQ counts per queue, reported as `reloop_queue_jobs{state}`. */
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

/** A transition counted only once its transaction commits (pending per transaction depth). */
interface PendingCount {
  depth: number;
  machine: string;
  action: string;
}

/**
 * The process's Prometheus metrics (issue 25): one registry per application, so two apps in
 * one process (the tests) never mix their numbers. Counters and histograms are recorded where
 * things happen; the database and queue gauges are read when Prometheus scrapes, so they are
 * the same whichever process answers.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'reloop_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern (not the raw URL), method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly transitions = this.counter({
    name: 'reloop_transitions_total',
    help: 'Committed state transitions per machine and action (`created` for a new row)',
    labelNames: ['machine', 'action'],
  });

  readonly jobDuration = new Histogram({
    name: 'reloop_job_duration_seconds',
    help: 'Job run time per queue, job type and outcome (completed or failed)',
    labelNames: ['queue', 'name', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly jobFailures = this.counter({
    name: 'reloop_job_failures_total',
    help: 'Failed job runs per queue and job type; final=true once no retry is left',
    labelNames: ['queue', 'name', 'final'],
  });

  readonly republished = this.counter({
    name: 'reloop_outbox_republished_total',
    help: 'Jobs the reconciler re-published because Redis had lost them',
    labelNames: ['queue'],
  });

  readonly stuckFollowUps = this.counter({
    name: 'reloop_stuck_work_follow_ups_total',
    help: 'Rows past their state limit that the sweeper moved on with the named follow-up',
    labelNames: ['machine'],
  });

  readonly stuckEscalations = this.counter({
    name: 'reloop_stuck_work_escalations_total',
    help: 'Rows past their state limit that the sweeper escalated to a support case',
    labelNames: ['machine'],
  });

  readonly notificationsSent = this.counter({
    name: 'reloop_notifications_total',
    help: 'Owner notifications per channel, template and outcome (sent, skipped, failed)',
    labelNames: ['channel', 'template', 'outcome'],
  });

  readonly pruned = this.counter({
    name: 'reloop_retention_pruned_rows_total',
    help: 'Rows removed by the retention pruning, per table',
    labelNames: ['table'],
  });

  /** Round trips to PostgreSQL through the ORM (BEGIN and COMMIT included): per request, the bench's SQL count. */
  readonly dbQueries = this.counter({
    name: 'reloop_db_queries_total',
    help: 'SQL statements sent to PostgreSQL through the ORM, BEGIN/COMMIT included',
    labelNames: [],
  });

  private readonly pending = new WeakMap<QueryRunner, PendingCount[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    private readonly reads: ReadDatabase,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'reloop_' });
    this.scrapeGauges();
  }

  /** Commit and rollback events settle the transitions counted inside a transaction. */
  onModuleInit(): void {
    const pending = this.pending;
    const settle = (runner: QueryRunner, committed: boolean) => {
      const list = pending.get(runner);
      if (!list) return;
      // After COMMIT/ROLLBACK (or a savepoint's), transactionDepth is the depth left open.
      const depth = runner.isTransactionActive
        ? (runner as QueryRunner & { transactionDepth: number }).transactionDepth
        : 0;
      const closed = list.filter((p) => p.depth > depth);
      const open = list.filter((p) => p.depth <= depth);
      if (open.length) pending.set(runner, open);
      else pending.delete(runner);
      if (committed && depth === 0) {
        for (const p of closed) this.transitions.inc({ machine: p.machine, action: p.action });
      } else if (committed) {
        // A savepoint released: its counts now belong to the enclosing transaction.
        pending.set(runner, [...open, ...closed.map((p) => ({ ...p, depth }))]);
      }
    };
    const subscriber: EntitySubscriberInterface = {
      beforeQuery: () => this.dbQueries.inc(),
      afterTransactionCommit: (e) => settle(e.queryRunner, true),
      afterTransactionRollback: (e) => settle(e.queryRunner, false),
    };
    this.dataSource.subscribers.push(subscriber);
  }

  /**
   * Counts a transition once the transaction it was applied in commits (never one that rolled
   * back); outside a transaction, at once.
   */
  countTransition(runner: QueryRunner | undefined, machine: string, action: string): void {
    if (!runner?.isTransactionActive) {
      this.transitions.inc({ machine, action });
      return;
    }
    const depth = (runner as QueryRunner & { transactionDepth: number }).transactionDepth;
    const list = this.pending.get(runner) ?? [];
    list.push({ depth, machine, action });
    this.pending.set(runner, list);
  }

  /** The exposition text for Prometheus. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>) {
    return new Counter<L>({ ...config, registers: [this.registry] });
  }

  /** Gauges read at scrape time: the outbox from PostgreSQL, the queues from Redis. */
  private scrapeGauges(): void {
    const dataSource = this.dataSource;
    const queues = this.queues;
    const reads = this.reads;
    new Gauge({
      name: 'reloop_outbox_lag_seconds',
      help: 'Age of the oldest outbox row not yet relayed to the queue (0 when none waits)',
      registers: [this.registry],
      async collect() {
        const outbox = await readOutbox(dataSource).catch(() => null);
        if (outbox) this.set(outbox.lagSeconds);
        else this.reset(); // PostgreSQL unreachable: no sample rather than a stale one
      },
    });
    new Gauge({
      name: 'reloop_outbox_backlog',
      help: 'Outbox rows by status: unpublished (waiting for the relay), in_flight (in the queue), failed',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const outbox = await readOutbox(dataSource).catch(() => null);
        if (!outbox) return this.reset();
        this.set({ status: 'unpublished' }, outbox.unpublished);
        this.set({ status: 'in_flight' }, outbox.inFlight);
        this.set({ status: 'failed' }, outbox.failed);
      },
    });
    new Gauge({
      name: 'reloop_queue_jobs',
      help: 'BullMQ jobs per queue and state (waiting, active, delayed, prioritized, failed, completed)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        for (const name of QUEUE_NAMES) {
          const counts = await queues
            .queue(name)
            .getJobCounts(...JOB_STATES)
            .catch(() => null);
          if (!counts) continue; // Redis down: no sample rather than a wrong zero
          for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }
      },
    });
    // The read replica (DATABASE_READ_URL), sampled only where one is configured: a process
    // without one, or a replica that does not answer, gives no sample rather than a wrong zero.
    const replicaGauge = (name: string, help: string, pick: (s: ReplayStatus) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          const status = reads.hasReplica ? await reads.replayStatus().catch(() => null) : null;
          if (status) this.set(pick(status));
          else this.reset();
        },
      });
    replicaGauge(
      'reloop_replica_replay_lag_seconds',
      'Seconds since the read replica replayed its last transaction, 0 when it has replayed all it received',
      (s) => s.replayLagSeconds,
    );
    replicaGauge(
      'reloop_replica_replay_behind_bytes',
      'WAL the read replica has received but not yet replayed, in bytes',
      (s) => s.replayBehindBytes,
    );
    new Gauge({
      name: 'reloop_queue_depth',
      help: 'Jobs per queue not started yet (waiting + prioritized + delayed)',
      labelNames: ['queue'] as const,
      registers: [this.registry],
      async collect() {
        for (const name of QUEUE_NAMES) {
          const counts = await queues
            .queue(name)
            .getJobCounts('waiting', 'prioritized', 'delayed')
            .catch(() => null);
          if (!counts) continue;
          this.set(
            { queue: name },
            (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
          );
        }
      },
    });
  }
}

interface OutboxNumbers {
  lagSeconds: number;
  unpublished: number;
  inFlight: number;
  failed: number;
}

/** One query per scrape for both outbox gauges (the two collect() calls share it briefly). */
const outboxReads = new WeakMap<DataSource, { at: number; value: Promise<OutboxNumbers> }>();

function readOutbox(dataSource: DataSource): Promise<OutboxNumbers> {
  const cached = outboxReads.get(dataSource);
  if (cached && Date.now() - cached.at < 1000) return cached.value;
  const value = dataSource
    .query<Array<{ lag: number | null; unpublished: string; in_flight: string; failed: string }>>(
      // Each count uses its partial index (outbox_unpublished, outbox_in_flight, outbox_failed).
      `SELECT
         (SELECT extract(epoch FROM now() - min(created_at)) FROM outbox
           WHERE published_at IS NULL)::float8 AS lag,
         (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS unpublished,
         (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL AND completed_at IS NULL
            AND failed_at IS NULL) AS in_flight,
         (SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL) AS failed`,
    )
    .then(([row]) => ({
      lagSeconds: Math.max(0, Number(row.lag ?? 0)),
      unpublished: Number(row.unpublished),
      inFlight: Number(row.in_flight),
      failed: Number(row.failed),
    }));
  outboxReads.set(dataSource, { at: Date.now(), value });
  value.catch(() => outboxReads.delete(dataSource));
  return value;
}
