import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutboxJob } from '../jobs/job-definition.js';

export const OUTBOX_CHANNEL = 'reloop_outbox';

/**
 * The outbox insert of some jobs as a CTE (`<name> AS (INSERT ... RETURNING id)`), its parameters
 * numbered from `$first`: written alone by `OutboxService.write`, or inside the statement that
 * appends a transition's history (issue 27 point 2: one round trip for both).
 */
export function outboxInsert(
  jobs: readonly OutboxJob[],
  first: number,
  name = 'ins',
): { cte: string; params: unknown[] } {
  const now = Date.now();
  const params: unknown[] = [];
  const tuples = jobs.map((j, i) => {
    params.push(
      j.def.queue,
      j.def.name,
      JSON.stringify(j.payload ?? {}),
      (j.runAt ?? new Date(now)).toISOString(),
    );
    const b = first + i * 4;
    return `($${b}, $${b + 1}, $${b + 2}::jsonb, $${b + 3}::timestamptz)`;
  });
  return {
    cte: `${name} AS (
         INSERT INTO outbox (queue, name, payload, run_at) VALUES ${tuples.join(', ')} RETURNING id)`,
    params,
  };
}

/** NOTIFY is transactional: the relay wakes up at commit, and never for a rollback. */
export const outboxNotify = (name: string) =>
  `SELECT id, pg_notify('${OUTBOX_CHANNEL}', '') FROM ${name}`;

/** Writes follow-up jobs into the outbox inside the caller's transaction. */
@Injectable()
export class OutboxService {
  async write(manager: EntityManager, jobs: readonly OutboxJob[]): Promise<string[]> {
    if (jobs.length === 0) return [];
    const { cte, params } = outboxInsert(jobs, 1);
    const rows = await manager.query<Array<{ id: string }>>(
      `WITH ${cte}
       ${outboxNotify('ins')}`,
      params,
    );
    return rows.map((r) => r.id);
  }
}
