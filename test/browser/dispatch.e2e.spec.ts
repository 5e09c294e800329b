import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { SchedulePickup } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { standardWindows } from '../../src/service-areas/engine/service-area.js';
import {
  addDaysIso,
  localParts,
  zonedTimeToUtc,
} from '../../src/service-areas/engine/time-zone.js';
import { Pickup } from '../../src/logistics/data/pickup.entity.js';
import {
  axeSerious,
  catalogue,
  type ConsoleLanguage,
  type ConsoleRig,
  startConsoleRig,
} from '../support/browser.js';
import { eventually, type TestUser } from '../support/test-app.js';

jest.setTimeout(120_000);

/**
 * Issue 22 point 5 in the browser, in Chinese and in English: an admin drags a pickup onto
 * another courier on the dispatch board (desktop); a courier on a phone sees their route with a
 * navigation link, moves one pickup to another window with the customer's agreement and hands
 * one back. Setup through the API and services: an area, two couriers, three pickups.
 */
describe('console: dispatch board and the courier’s day (browser)', () => {
  let rig: ConsoleRig;
  let admin: TestUser;

  beforeAll(async () => {
    rig = await startConsoleRig();
    admin = await rig.t.user('admin');
  });
  afterAll(() => rig.close());

  const day = addDaysIso(localParts(new Date(), 'Asia/Shanghai').date, 1);

  const setUp = async (area: string) => {
    const { t } = rig;
    await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send({
        cityCode: area,
        cityName: `Area ${area}`,
        timeZone: 'Asia/Shanghai',
        sameDay: true,
        windows: standardWindows(20),
        districts: [{ code: `${area}01`, name: 'Only district' }],
      })
      .expect(201);
    const couriers: TestUser[] = [];
    for (const name of ['Courier A', 'Courier B']) {
      const c = await t.user('courier');
      await t.dataSource.query('UPDATE users SET name = $1 WHERE id = $2', [
        `${name} ${area}`,
        c.id,
      ]);
      await t.http
        .put(`/api/v1/couriers/${c.id}`)
        .set(admin.auth)
        .send({ capacityPerWindow: 5, areaCodes: [area] })
        .expect(200);
      couriers.push(c);
    }
    const owner = await t.user('customer');
    const warehouse = await t.organisation('warehouse');
    for (const [i, name] of ['Wang Fang', 'Zhao Lei', 'Chen Jing'].entries()) {
      const item = await t.dataSource.transaction((m) =>
        t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
          ownerId: owner.id,
          custodian: { kind: 'owner', id: owner.id },
          erasureStatus: 'not_required',
          state: 'DECLARED',
        }),
      );
      const sourceId = randomUUID();
      await t.app
        .get(JobHandlerRegistry)
        .get(SchedulePickup.name)!
        .run(
          {
            direction: 'inbound',
            source: { kind: 'trade-in', id: sourceId },
            customerId: owner.id,
            itemIds: [item.id],
            address: {
              cityCode: area,
              districtCode: `${area}01`,
              line1: `${i + 1} Test Road`,
              lat: 31.23 + i / 100,
              lng: 121.47,
              contactName: name,
              contactPhone: '+8613800138000',
            },
            warehouseId: warehouse,
            requestedAt: zonedTimeToUtc(day, '07:00', 'Asia/Shanghai').toISOString(),
            specialPackaging: false,
            window: { date: day, windowIndex: 0 },
          },
          { jobId: randomUUID(), attempt: 1, maxAttempts: 8 },
        );
      const p = await t.dataSource.getRepository(Pickup).findOneByOrFail({ sourceId });
      await t.http
        .post(`/api/v1/pickups/${p.id}/assign`)
        .set(admin.auth)
        .send({ courierId: couriers[0].id })
        .expect(200);
    }
    return couriers;
  };

  for (const lang of ['zh-CN', 'en'] as ConsoleLanguage[]) {
    it(`reassigns by dragging, then the courier reschedules and hands back (${lang})`, async () => {
      const say = catalogue(lang);
      const area = lang === 'en' ? 'TBEN' : 'TBZH';
      const [a, b] = await setUp(area);

      // The admin's board, desktop: drag Wang Fang's pickup onto courier B.
      const page = await rig.login(admin, { lang });
      await page.getByRole('link', { name: say('screens.dispatchBoard') }).click();
      await page.getByLabel(say('common.day'), { exact: true }).fill(day);
      await page.getByLabel(say('board.area')).fill(area);
      const columnA = page.getByRole('region', { name: `Courier A ${area}` });
      const columnB = page.getByRole('region', { name: `Courier B ${area}` });
      const card = columnA.getByRole('listitem').filter({ hasText: 'Wang Fang' });
      await card.waitFor();
      expect(await axeSerious(page)).toEqual([]);
      await card.dragTo(columnB);
      await page.getByText(say('board.assigned', { name: `Courier B ${area}` })).waitFor();
      await columnB.getByRole('listitem').filter({ hasText: 'Wang Fang' }).waitFor();
      await eventually(async () => {
        const rows = await rig.t.dataSource.query<Array<{ courier_id: string }>>(
          `SELECT courier_id FROM pickups WHERE address->>'contactName' = 'Wang Fang' AND area_code = $1`,
          [area],
        );
        return rows[0]?.courier_id === b.id ? rows : null;
      });
      await rig.screenshot(page, `dispatch-board-${lang}`);
      await page.close();

      // Courier A on a phone: the route with navigation links.
      const phone = await rig.login(a, { lang, phone: true });
      await phone.getByLabel(say('common.day'), { exact: true }).fill(day);
      const route = phone.getByRole('list', { name: say('courier.routeTitle') });
      const zhao = route.getByRole('listitem').filter({ hasText: 'Zhao Lei' });
      await zhao.waitFor();
      await expect(
        zhao.getByRole('link', { name: say('courier.navAmap') }).getAttribute('href'),
      ).resolves.toContain('https://uri.amap.com/navigation?to=121.47,');
      expect(await route.getByRole('listitem').filter({ hasText: 'Wang Fang' }).count()).toBe(0);
      expect(await axeSerious(phone)).toEqual([]);

      // Reschedule Zhao Lei's pickup to another window, agreed on the phone.
      await zhao.getByRole('button', { name: say('courier.move') }).click();
      const moveForm = phone.getByRole('form', { name: say('courier.moveTitle') });
      const select = moveForm.getByLabel(say('courier.newWindow'));
      await select.locator('option').nth(1).waitFor({ state: 'attached' });
      const choice = await select.locator('option').nth(1).getAttribute('value');
      if (!choice) throw new Error('no free window offered');
      await select.selectOption(choice);
      await moveForm.getByRole('button', { name: say('courier.moveSubmit') }).click();
      await eventually(async () => {
        const rows = await rig.t.dataSource.query<Array<{ d: string; w: number }>>(
          `SELECT to_char(promised_date, 'YYYY-MM-DD') AS d, window_index AS w FROM pickups
            WHERE address->>'contactName' = 'Zhao Lei' AND area_code = $1`,
          [area],
        );
        return `${rows[0]?.d}#${rows[0]?.w}` === choice ? rows : null;
      });

      // Hand Chen Jing's pickup back to dispatch.
      const chen = route.getByRole('listitem').filter({ hasText: 'Chen Jing' });
      await chen.getByRole('button', { name: say('courier.handBack') }).click();
      const backForm = phone.getByRole('form', { name: say('courier.handBackTitle') });
      await backForm.getByRole('button', { name: say('courier.handBackSubmit') }).click();
      await chen.waitFor({ state: 'detached' });
      expect(await axeSerious(phone)).toEqual([]);
      await rig.screenshot(phone, `courier-route-${lang}`);
      await phone.close();
    });
  }
});
