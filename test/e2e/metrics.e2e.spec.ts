import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { job } from '../../src/core/jobs/job-definition.js';
import { SweepStuckWork } from '../../src/core/jobs/job-catalogue.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { SupportCaseMachine } from '../../src/support/domain/support-case.machine.js';
import { OpsServer } from '../../src/platform/ops-server.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

/** The value of one sample in Prometheus text, or 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(/,(?=[a-zA-Z_]+=")/);
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return 0;
}

describe('metrics on the operations port (issue 25)', () => {
  let t: TestApp;
  let support: TestUser;
  let base: string;

  const scrape = async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  beforeAll(async () => {
    t = await createTestApp();
    support = await t.user('support');
    const port = await t.app.get(OpsServer).listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts a transition once it commits, per machine and action', async () => {
    const before = await scrape();
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({ kind: 'general', summary: 'Metrics: a case to move' })
      .expect(201);
    const after = await scrape();
    expect(
      sample(after, 'reloop_transitions_total', { machine: 'SupportCase', action: 'created' }),
    ).toBe(
      sample(before, 'reloop_transitions_total', { machine: 'SupportCase', action: 'created' }) + 1,
    );
    // Each statement the ORM sent is counted (the bench's SQL per request): BEGIN, the insert,
    // its history and outbox rows, COMMIT at least.
    expect(sample(after, 'reloop_db_queries_total', {})).toBeGreaterThanOrEqual(
      sample(before, 'reloop_db_queries_total', {}) + 5,
    );
    await t.http
      .post(`/api/v1/support/cases/${opened.body.id as string}/assign`)
      .set(support.auth)
      .send({ assigneeId: support.id })
      .expect(200);
    const assigned = await scrape();
    expect(
      sample(assigned, 'reloop_transitions_total', { machine: 'SupportCase', action: 'assign' }),
    ).toBe(
      sample(before, 'reloop_transitions_total', { machine: 'SupportCase', action: 'assign' }) + 1,
    );
  });

  it('does not count a transition whose transaction rolled back', async () => {
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({ kind: 'general', summary: 'Metrics: a rolled back resolve' })
      .expect(201);
    const before = await scrape();
    await expect(
      t.dataSource.transaction(async (manager) => {
        await t.app.get(TransitionService).apply(SupportCaseMachine, {
          id: opened.body.id as string,
          action: 'resolve',
          actor: { role: 'support', userId: support.id, organisationId: null },
          manager,
          patch: { resolution: 'never committed' },
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const after = await scrape();
    expect(
      sample(after, 'reloop_transitions_total', { machine: 'SupportCase', action: 'resolve' }),
    ).toBe(
      sample(before, 'reloop_transitions_total', { machine: 'SupportCase', action: 'resolve' }),
    );
  });

  it('shows the outbox lag and backlog, queue depth and job durations', async () => {
    // A job due in an hour: relayed at once (as a delayed job), so the lag returns to 0 and
    // the queue shows one delayed job.
    await t.dataSource.transaction((m) =>
      t.app
        .get(OutboxService)
        .write(m, [
          job(SweepStuckWork, { trigger: 'metrics test' }, new Date(Date.now() + 3_600_000)),
        ]),
    );
    const text = await eventually(async () => {
      const s = await scrape();
      return sample(s, 'reloop_queue_jobs', { queue: SweepStuckWork.queue, state: 'delayed' }) >= 1
        ? s
        : null;
    });
    expect(text).toMatch(/^# TYPE reloop_outbox_lag_seconds gauge$/m);
    expect(text).toMatch(/^reloop_outbox_lag_seconds \d+(\.\d+)?(e-?\d+)?$/m);
    expect(text).toMatch(/^reloop_outbox_backlog\{status="unpublished"\} \d+$/m);
    expect(sample(text, 'reloop_queue_depth', { queue: SweepStuckWork.queue })).toBeGreaterThan(0);
    // A job that runs now: its duration is recorded under its queue and name.
    await t.dataSource.transaction((m) =>
      t.app.get(OutboxService).write(m, [job(SweepStuckWork, { trigger: 'metrics test' })]),
    );
    await eventually(
      async () =>
        sample(await scrape(), 'reloop_job_duration_seconds_count', {
          queue: SweepStuckWork.queue,
          name: SweepStuckWork.name,
          outcome: 'completed',
        }) >= 1,
    );
    expect(text).toMatch(/^# TYPE reloop_outbox_republished_total counter$/m);
    expect(text).toMatch(/^# TYPE reloop_stuck_work_escalations_total counter$/m);
  });

  it('times HTTP requests by route pattern, never by raw URL', async () => {
    await t.http.get(`/api/v1/support/cases/${crypto.randomUUID()}`).set(support.auth).expect(404);
    await t.http.get('/api/v1/no-such-thing/123').expect(404);
    const text = await scrape();
    expect(
      sample(text, 'reloop_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/v1/support/cases/:id',
        status_code: '404',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/no-such-thing/);
  });

  it('answers the process health on the same port', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; queues: Record<string, unknown> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.queues)).toContain('notifications');
  });
});
