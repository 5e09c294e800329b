import type { EntityManager } from 'typeorm';
import type { SourceRef } from './jobs/job-catalogue.js';

/**
 * The lock every stage takes before a transition that must not cross another stage's
 * transition of the same order (issue 19): the owner cancelling a trade-in and the courier
 * collecting its pickup are two stages' transitions of one order, so both take this lock and
 * exactly one of them wins; the other finds the world changed and answers 409. A transaction-
 * scoped PostgreSQL advisory lock: released at commit or rollback, shared by every process.
 */
export async function lockSource(m: EntityManager, source: SourceRef): Promise<void> {
  await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `source:${source.kind}:${source.id}`,
  ]);
}
