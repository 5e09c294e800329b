import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` holding the session advisory lock `key` on a connection of its own (which `work`
 * may query on), or returns null at once when another process holds it: how a periodic pass
 * (reconciler, retention, refit) runs as one instance among many workers.
 */
export async function withSessionLock<T>(
  dataSource: DataSource,
  key: number,
  work: (runner: QueryRunner) => Promise<T>,
): Promise<T | null> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [
      key,
    ])) as Array<{ locked: boolean }>;
    if (!locked) return null;
    try {
      return await work(runner);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [key]);
    }
  } finally {
    await runner.release();
  }
}
