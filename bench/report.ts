import type { ApiProcessesResult } from './api-processes.js';
import type { QueueCeiling, QueueStats, SqlCeiling, StageWait } from './ceilings.js';
import type { JourneyResult } from './journey.js';
import type { LookupResult, ScaleFill } from './scale.js';
import { fmt } from './lib/stats.js';

export interface BenchReport {
  date: string;
  machine: { cores: number; memoryGb: number; cpu: string; load: number };
  versions: { node: string; postgres: string; redis: string; reloop: string };
  journey: JourneyResult;
  sql: SqlCeiling;
  queues: QueueStats[];
  bare: QueueCeiling;
  waits: StageWait[];
  memory: Array<{ process: string; peakRssMb: number }>;
  scale: {
    fill: ScaleFill;
    lookups: LookupResult[];
    deepPageRatio: number | null;
    marketNote: string | null;
  } | null;
  /** Transitions/s with one and with two API processes (issue 27 point 3); null when skipped. */
  apiProcesses: ApiProcessesResult | null;
  totalSeconds: number;
}

/** The issue's bars: printed beside each figure, never enforced. */
export const TARGETS = {
  apiToSql: 0.5,
  jobsToBare: 0.5,
  lookupP99Ms: 10,
  deepPageRatio: 1.5,
  apiRssMb: 300,
};

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const j = r.journey;
  out.push('Reloop performance bench');
  out.push(
    `${r.date} · ${r.machine.cores} cores (${r.machine.cpu}) · ${fmt(r.machine.memoryGb)} GB · load ${fmt(r.machine.load, 2)} at the end`,
  );
  out.push(
    `node ${r.versions.node} · PostgreSQL ${r.versions.postgres} · Redis ${r.versions.redis} · reloop ${r.versions.reloop}`,
  );
  out.push(
    `one API process + one worker process · ${j.items} trade-ins · ${j.concurrency} concurrent clients · total ${fmt(r.totalSeconds, 0)} s`,
  );
  out.push('');

  const ratio = j.transitionsPerSecond / r.sql.perSecond;
  out.push('Transitions through the API (each stage a burst of requests)');
  out.push(
    ...table(
      ['endpoint', 'requests', 'errors', 'per s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'SQL/req'],
      [
        ...j.phases.map((p) => [
          p.endpoint,
          String(p.requests),
          String(p.errors),
          fmt(p.perSecond),
          fmt(p.p50),
          fmt(p.p99),
          p.apiCpuMsPerRequest === null ? '–' : fmt(p.apiCpuMsPerRequest, 2),
          p.sqlPerRequest === null ? '–' : fmt(p.sqlPerRequest, 1),
        ]),
        [
          'all transitions',
          String(j.phases.reduce((s, p) => s + p.requests, 0)),
          String(j.phases.reduce((s, p) => s + p.errors, 0)),
          fmt(j.transitionsPerSecond),
          '',
          '',
          '',
          '',
        ],
        [
          'SQL ceiling (same shape, pg)',
          String(r.sql.transactions),
          '0',
          fmt(r.sql.perSecond),
          fmt(r.sql.p50),
          fmt(r.sql.p99),
          fmt(r.sql.cpuMsPerTransaction, 2),
          fmt(r.sql.statementsPerTransaction, 1),
        ],
      ],
    ),
  );
  out.push(
    `API / SQL ceiling = ${fmt(ratio * 100)} % (target ≥ ${TARGETS.apiToSql * 100} %: ${mark(ratio >= TARGETS.apiToSql)})`,
  );
  out.push(
    '(CPU ms/req: the API process per request, from its own process metrics over the burst — steadier than req/s on a shared machine; for the ceiling, the pg client per transaction. SQL/req: round trips, BEGIN/COMMIT included.)',
  );
  out.push('');

  out.push(
    `Queues (jobs while busy; wait = processedOn − enqueued) beside bare BullMQ (no-op, concurrency ${r.bare.concurrency}): ${fmt(r.bare.perSecond)} jobs/s`,
  );
  out.push(
    ...table(
      ['queue', 'jobs', 'retried', 'jobs/s', '÷ bare', 'target', 'wait p50 ms', 'wait p99 ms'],
      r.queues.map((q) => [
        q.queue,
        String(q.jobs),
        String(q.retried),
        fmt(q.perSecond),
        `${fmt((q.perSecond / r.bare.perSecond) * 100)} %`,
        mark(q.perSecond / r.bare.perSecond >= TARGETS.jobsToBare),
        fmt(q.waitP50),
        fmt(q.waitP99),
      ]),
    ),
  );
  out.push('');

  out.push(
    `End to end: ${j.items} items from trade-in to ${j.finalState} in ${fmt(j.endToEndSeconds)} s = ${fmt(j.itemsPerMinute)} items/min`,
  );
  out.push(
    ...table(
      ['job (stage hand-off)', 'count', 'relay lag p50', 'p99', 'to done p50', 'p99'],
      r.waits.map((w) => [
        w.job,
        String(w.count),
        fmt(w.relayLagP50),
        fmt(w.relayLagP99),
        fmt(w.doneP50),
        fmt(w.doneP99),
      ]),
    ),
  );
  out.push('(ms; relay lag = published − created in the outbox; to done = completed − published)');
  out.push('');

  out.push('Memory (peak RSS)');
  out.push(
    ...table(
      ['process', 'MB', 'target'],
      r.memory.map((m) => [
        m.process,
        fmt(m.peakRssMb, 0),
        m.process === 'api'
          ? `≤ ${TARGETS.apiRssMb}: ${mark(m.peakRssMb <= TARGETS.apiRssMb)}`
          : '',
      ]),
    ),
  );

  if (r.scale) {
    const f = r.scale.fill;
    out.push('');
    out.push(
      `Scale: ${f.items} items, ${f.events} history events, ${f.customers} customers, ${f.inspections} inspections, ${f.listings} listings — generated in SQL, then checkpointed by the worker, in ${fmt(f.seconds)} s (${f.steps.map((s) => `${s.step.replace(/ \(.*/, '')} ${fmt(s.seconds)} s`).join(', ')})`,
    );
    out.push(
      ...table(
        [
          'lookup (HTTP, 2 in flight)',
          'requests',
          'p50 ms',
          'p99 ms',
          `p99 ≤ ${TARGETS.lookupP99Ms}`,
        ],
        r.scale.lookups.map((l) => [
          l.lookup,
          String(l.requests),
          fmt(l.p50),
          fmt(l.p99),
          mark(l.p99 <= TARGETS.lookupP99Ms),
        ]),
      ),
    );
    if (r.scale.deepPageRatio !== null) {
      out.push(
        `market page 1000 / first page (p50) = ${fmt(r.scale.deepPageRatio, 2)}× (target ≤ ${TARGETS.deepPageRatio}×: ${mark(r.scale.deepPageRatio <= TARGETS.deepPageRatio)})`,
      );
    }
    if (r.scale.marketNote) out.push(r.scale.marketNote);
  }
  if (r.apiProcesses) out.push('', ...formatApiProcesses(r.apiProcesses));
  return out.join('\n');
}

/** The 1-vs-2 API process comparison, as its own block (also printed alone). */
export function formatApiProcesses(a: ApiProcessesResult): string[] {
  return [
    `API processes (API_WORKERS, support-case transitions, ${a.cases} cases × 4 per round, ${a.concurrency} clients, rounds 1, 2, 2, 1)`,
    ...table(
      ['API_WORKERS', 'transitions', 'errors', 'seconds', 'per s', 'API CPU ms/tr', 'API cores'],
      a.rounds.map((r) => [
        String(r.processes),
        String(r.transitions),
        String(r.errors),
        fmt(r.seconds),
        fmt(r.perSecond),
        fmt(r.cpuMsPerTransition),
        fmt(r.cores, 2),
      ]),
    ),
    `mean: 1 process ${fmt(a.perSecond.one)}/s, 2 processes ${fmt(a.perSecond.two)}/s = ${fmt(a.perSecond.ratio, 2)}× (${a.perSecond.ratio > 1 ? 'more with 2' : 'NOT more with 2'})`,
  ];
}
