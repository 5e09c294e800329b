import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutboxJob } from '../jobs/job-definition.js';

export const OUTBOX_CHANNEL = 'reloop_outbox';

/** Writes follow-up jobs into the outbox inside the caller's transaction. */
@Injectable()
export class OutboxService {
  async write(manager: EntityManager, jobs: readonly OutboxJob[]): Promise<string[]> {
    if (jobs.length === 0) return [];
    const now = Date.now();
    const values: unknown[] = [];
    const tuples = jobs.map((j, i) => {
      values.push(
        j.def.queue,
        j.def.name,
        JSON.stringify(j.payload ?? {}),
        (j.runAt ?? new Date(now)).toISOString(),
      );
      const b = i * 4;
      return `($${b + 1}, $${b + 2}, $${b + 3}::jsonb, $${b + 4}::timestamptz)`;
    });
    // NOTIFY is transactional: the relay wakes up at commit, and never for a rollback.
    const rows = await manager.query<Array<{ id: string }>>(
      `WITH ins AS (
         INSERT INTO outbox (queue, name, payload, run_at) VALUES ${tuples.join(', ')} RETURNING id)
       SELECT id, pg_notify('${OUTBOX_CHANNEL}', '') FROM ins`,
      values,
    );
    return rows.map((r) => r.id);
  }
}
