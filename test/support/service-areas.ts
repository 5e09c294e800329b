import { DEMO_AREAS, DEMO_CITY, DEMO_STORES } from '../../src/service-areas/engine/demo-areas.js';
import type { TestApp, TestUser } from './test-app.js';

/** A demo city's area as the admin sends it (a copy: tests change it). */
export const demoArea = (code: string) => {
  const a = DEMO_AREAS.find((x) => x.cityCode === code);
  if (!a) throw new Error(code);
  return { ...a, windows: [...a.windows], districts: [...a.districts] };
};

/** Shanghai, Beijing and Suzhou served, and the Jing'an drop-off store, through the admin's API. */
export async function serveDemoCities(t: TestApp, admin: TestUser): Promise<void> {
  for (const code of [DEMO_CITY.shanghai, DEMO_CITY.beijing, DEMO_CITY.suzhou]) {
    await t.http.post('/api/v1/service-areas').set(admin.auth).send(demoArea(code)).expect(201);
  }
  const jingan = DEMO_STORES.find((s) => s.id === 'store-sh-jingan')!;
  await t.http
    .post('/api/v1/drop-off-stores')
    .set(admin.auth)
    .send({
      code: jingan.id,
      name: jingan.name,
      cityCode: jingan.cityCode,
      districtCode: jingan.districtCode,
      address: jingan.address,
    })
    .expect(201);
}
