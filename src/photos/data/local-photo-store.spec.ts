import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LocalPhotoStore } from './local-photo-store.js';

describe('LocalPhotoStore', () => {
  let dir: string;
  let store: LocalPhotoStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reloop-local-store-'));
    store = new LocalPhotoStore(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('puts, gets, misses and deletes, leaving no temporary files', async () => {
    await store.put('2026/12/abc.jpg', Buffer.from('jpeg'));
    expect(await store.get('2026/12/abc.jpg')).toEqual(Buffer.from('jpeg'));
    expect(await readdir(join(dir, '2026/12'))).toEqual(['abc.jpg']);
    expect(await store.get('2026/12/none.jpg')).toBeNull();
    await store.delete('2026/12/abc.jpg');
    expect(await store.get('2026/12/abc.jpg')).toBeNull();
  });

  it('refuses keys that could leave its folder', async () => {
    for (const key of ['../x.jpg', '/etc/x.jpg', '2026//x.jpg', '2026/x.txt', 'a/../../x.jpg']) {
      await expect(store.put(key, Buffer.from('x'))).rejects.toThrow(/Invalid photo store key/);
      await expect(store.get(key)).rejects.toThrow(/Invalid photo store key/);
    }
  });
});
