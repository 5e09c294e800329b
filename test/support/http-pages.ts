import type { TestApp } from './test-app.js';

/** Every row of a paginated GET route (`{ items, nextCursor }`), page by page, as `user` reads it. */
export async function allPages<T>(
  t: TestApp,
  user: { auth: { Authorization: string } },
  url: string,
  query: Record<string, string | number> = {},
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.http
      .get(url)
      .query({ ...query, limit: 200, ...(cursor ? { cursor } : {}) })
      .set(user.auth)
      .expect(200);
    all.push(...(res.body.items as T[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return all;
}
