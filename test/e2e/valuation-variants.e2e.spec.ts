import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import {
  type GradeFinding,
  ItemGraded,
  ItemReceived,
  TradeInShipmentUpdate,
} from '../../src/core/jobs/job-catalogue.js';
import type { JobDef } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { loadReferenceData } from '../support/fixtures.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

/**
 * Issue 26 point 2: variants as their own price points, the owner's self-assessment priced check
 * by check, deductions learned from sales, and every fen between quote and final offer named.
 */
const SHANGHAI = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};

interface Line {
  code: string;
  label: string;
  amountMinor: number;
  checkId?: string;
  ruleCode?: string;
}
interface OrderItem {
  id: string;
  itemId: string;
  state: string;
  variant: string | null;
  quote: { amountMinor: number; lines: Line[] };
  finalOffer: { amountMinor: number; lines: Line[] } | null;
  explanation: {
    differenceMinor: number;
    lines: Array<{
      code: string;
      differenceMinor: number;
      cause: { kind: string; checkId: string | null; rule: string | null };
    }>;
  } | null;
}
interface OrderBody {
  id: string;
  state: string;
  items: OrderItem[];
}

const CRACKED: GradeFinding = {
  checkId: 'screen_condition',
  label: 'Screen glass',
  answer: 'cracked',
  severity: 'functional',
  rule: 'any-functional',
  ruleGrade: 'good',
  deductionMinor: 60_000,
};

describe('valuation: variants and declared defects priced', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let category: { id: string; code: string };
  let run = 0;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    [admin, owner] = await Promise.all([t.user('admin'), t.user('customer')]);
    [category] = await t.dataSource.query<Array<{ id: string; code: string }>>(
      `SELECT c.id, c.code FROM product_models p JOIN categories c ON c.id = p.category_id
        WHERE p.code = 'apple-iphone-15-128'`,
    );
  }, 120_000);
  afterAll(() => t.close());

  const day = (daysAgo: number) =>
    new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

  /** A phone model of its own (no other test's sales), launched a year ago at ¥6,000. */
  async function newModel(): Promise<{ id: string; code: string }> {
    const code = `test-phone-${Date.now()}-${++run}`;
    const res = await t.http
      .post('/api/v1/product-models')
      .set(admin.auth)
      .send({
        code,
        brand: 'Test',
        model: `Phone ${run}`,
        categoryId: category.id,
        launchDate: day(365),
        launchPrice: { amountMinor: 600_000, currency: 'CNY' },
      })
      .expect(201);
    return { id: res.body.id as string, code };
  }

  const importSales = (rows: string[]) =>
    t.http
      .post('/api/v1/valuation/sales/import')
      .set(admin.auth)
      .send({
        content: ['category,model,variant,grade,sold_at,price_minor,defects', ...rows].join('\n'),
      });

  /** `count` sales of the model, a little noise around `price`, over the last month. */
  const sales = (
    model: string,
    count: number,
    price: number,
    extra: { variant?: string; defects?: string; grade?: string } = {},
  ) =>
    Array.from(
      { length: count },
      (_, i) =>
        `${category.code},${model},${extra.variant ?? ''},${extra.grade ?? 'good'},${day(2 + (i % 28))},${price + ((i * 7919) % 11) * 100 - 500},${extra.defects ?? ''}`,
    );

  async function quoted(items: unknown[]): Promise<OrderBody> {
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(owner.auth)
      .send({ channel: 'online', address: SHANGHAI, items })
      .expect(201);
    return eventually(async () => {
      const o = (await t.http.get(`/api/v1/trade-ins/${created.body.id}`).set(owner.auth))
        .body as OrderBody;
      return o.state === 'QUOTED' ? o : null;
    });
  }

  const handle = async <P>(def: JobDef<P>, payload: P) => {
    const handler = t.app.get(JobHandlerRegistry).get(def.name);
    if (!handler) throw new Error(`no handler for ${def.name}`);
    await handler.run(payload, { jobId: `test-${Date.now()}`, attempt: 1, maxAttempts: 1 });
  };

  /** Accepted, collected, received and graded with these findings; the order as it is then. */
  async function inspected(order: OrderBody, findings: GradeFinding[]): Promise<OrderItem> {
    await t.http.post(`/api/v1/trade-ins/${order.id}/accept`).set(owner.auth).send({}).expect(200);
    const [it] = order.items;
    await handle(TradeInShipmentUpdate, {
      pickupId: '00000000-0000-4000-8000-00000000a026',
      source: { kind: 'trade-in', id: order.id },
      direction: 'inbound',
      event: 'collected',
      itemIds: [it.itemId],
      sealNumber: null,
      warehouseId: null,
      promisedWindow: null,
      reason: null,
      at: new Date().toISOString(),
    });
    const transitions = t.app.get(TransitionService);
    await transitions.apply(ItemMachine, { id: it.itemId, action: 'collect', actor: SYSTEM_ACTOR });
    await transitions.apply(ItemMachine, { id: it.itemId, action: 'receive', actor: SYSTEM_ACTOR });
    await handle(ItemReceived, { itemId: it.itemId, warehouseId: admin.id, parcelId: null });
    await handle(ItemGraded, {
      itemId: it.itemId,
      inspectionId: '00000000-0000-4000-8000-0000000000c6',
      grade: findings.some((f) => f.ruleGrade === 'good') ? 'good' : 'premium',
      standardCode: 'phone',
      standardVersion: 1,
      findings,
      hold: false,
      confirmedBySecondGrader: true,
    });
    const o = (await t.http.get(`/api/v1/trade-ins/${order.id}`).set(owner.auth).expect(200))
      .body as OrderBody;
    return o.items[0];
  }

  /** The explanation's lines sum exactly to final − quote, and each names a check and a rule. */
  function expectExplained(item: OrderItem): void {
    const explanation = item.explanation!;
    expect(explanation.differenceMinor).toBe(item.finalOffer!.amountMinor - item.quote.amountMinor);
    expect(explanation.lines.reduce((s, l) => s + l.differenceMinor, 0)).toBe(
      explanation.differenceMinor,
    );
    for (const l of explanation.lines.filter((x) => x.cause.kind !== 'rounding')) {
      expect(l.cause).toMatchObject({ checkId: expect.any(String), rule: expect.any(String) });
    }
  }

  it('quotes a 512 GB phone above a 128 GB one when its sales say so, as a line of its own', async () => {
    const model = await newModel();
    for (const [code, label] of [
      ['128GB', '128 GB'],
      ['512GB', '512 GB'],
    ]) {
      await t.http
        .post(`/api/v1/product-models/${model.id}/variants`)
        .set(admin.auth)
        .send({ code, kind: 'storage', label })
        .expect(201);
    }
    const listed = await t.http.get(`/api/v1/product-models/${model.id}/variants`).expect(200);
    expect(listed.body.items.map((v: { code: string }) => v.code)).toEqual(['128GB', '512GB']);
    await importSales([
      ...sales(model.code, 12, 300_000, { variant: '128GB' }),
      ...sales(model.code, 12, 450_000, { variant: '512GB' }),
    ]).expect(200);

    const order = await quoted(
      ['128GB', '512GB'].map((variant) => ({
        productModelId: model.id,
        variant,
        declaredCondition: { condition: 'good', powersOn: true },
      })),
    );
    const [small, large] = order.items;
    expect(small.variant).toBe('128GB');
    expect(large.quote.amountMinor).toBeGreaterThan(small.quote.amountMinor * 1.2);
    const line = large.quote.lines.find((l) => l.code === 'variant');
    expect(line?.label).toMatch(/^Variant 512 GB \(×1\.\d+, from 12 sales\)$/);
    expect(line!.amountMinor).toBeGreaterThan(0);
    expect(small.quote.lines.find((l) => l.code === 'variant')!.amountMinor).toBeLessThan(0);
    for (const it of order.items) {
      expect(it.quote.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(it.quote.amountMinor);
    }
  });

  it('refuses an unknown variant, a variant without a model and unknown self-assessment checks', async () => {
    const model = await newModel();
    const send = (item: Record<string, unknown>) =>
      t.http
        .post('/api/v1/trade-ins')
        .set(owner.auth)
        .send({ channel: 'online', address: SHANGHAI, items: [item] });
    const unknown = await send({
      productModelId: model.id,
      variant: '2TB',
      declaredCondition: { condition: 'good' },
    }).expect(400);
    expect(unknown.body.message).toContain(`variant 2TB is not a variant of ${model.code}`);
    expect(unknown.body.fields[0].field).toBe('items.0.variant');
    const noModel = await send({
      categoryId: category.id,
      variant: '128GB',
      declaredCondition: { condition: 'good' },
    }).expect(400);
    expect(noModel.body.fields[0].field).toBe('items.0.variant');
    const badCheck = await send({
      productModelId: model.id,
      declaredCondition: { condition: 'good', selfAssessment: { screen_colour: 'pink' } },
    }).expect(400);
    expect(badCheck.body.fields.map((f: { field: string }) => f.field)).toContain(
      'items.0.declaredCondition.selfAssessment.screen_colour',
    );
    const badAnswer = await send({
      productModelId: model.id,
      declaredCondition: { condition: 'good', selfAssessment: { screen_condition: 'shattered' } },
    }).expect(400);
    expect(badAnswer.body.fields[0].field).toBe(
      'items.0.declaredCondition.selfAssessment.screen_condition',
    );
  });

  it('prices a declared cracked screen as a named line, and inspection finding it does not deduct again', async () => {
    const model = await newModel();
    await importSales(sales(model.code, 10, 300_000)).expect(200);
    const order = await quoted([
      {
        productModelId: model.id,
        declaredCondition: {
          condition: 'excellent',
          selfAssessment: { screen_condition: 'cracked' },
        },
      },
    ]);
    const sound = await quoted([
      { productModelId: model.id, declaredCondition: { condition: 'excellent' } },
    ]);
    const declared = order.items[0].quote.lines.find((l) => l.code === 'declared:screen_condition');
    expect(declared).toMatchObject({
      checkId: 'screen_condition',
      ruleCode: 'any-functional',
      amountMinor: -60_000,
      label: 'Declared: Screen glass (standard rule)',
    });
    expect(order.items[0].quote.amountMinor).toBeLessThan(sound.items[0].quote.amountMinor);

    // Inspection finds the same crack: the final price equals the quote, nothing taken twice.
    const same = await inspected(order, [CRACKED]);
    expect(same.finalOffer!.amountMinor).toBe(same.quote.amountMinor);
    expect(same.explanation!.lines.filter((l) => l.code.endsWith('screen_condition'))).toEqual([]);
    expectExplained(same);
  });

  it('prices missing accessories as a line of their own without lowering the grade', async () => {
    const model = await newModel();
    await importSales(sales(model.code, 10, 300_000)).expect(200);
    const bare = await quoted([
      {
        productModelId: model.id,
        declaredCondition: {
          condition: 'excellent',
          selfAssessment: { accessories: 'handset_only' },
        },
      },
    ]);
    const boxed = await quoted([
      {
        productModelId: model.id,
        declaredCondition: { condition: 'excellent', selfAssessment: { accessories: 'complete' } },
      },
    ]);
    const line = bare.items[0].quote.lines.find((l) => l.code === 'declared:accessories');
    expect(line).toMatchObject({
      checkId: 'accessories',
      ruleCode: 'phone@v1:accessories',
      amountMinor: -6_000,
    });
    expect(boxed.items[0].quote.lines.map((l) => l.code)).not.toContain('declared:accessories');
    // The grade is the same, so every line up to the deduction is too; the operator's margin
    // after it is a share of the smaller value.
    const before = (o: OrderBody) =>
      o.items[0].quote.lines.filter(
        (l) => !['declared:accessories', 'trade-in-margin', 'rounding'].includes(l.code),
      );
    expect(before(bare)).toEqual(before(boxed));

    // Inspection finds the phone came alone, as declared: nothing more is taken off.
    const item = await inspected(bare, [
      {
        checkId: 'accessories',
        label: 'Accessories',
        answer: 'handset_only',
        severity: 'none',
        rule: null,
        deductionMinor: 6_000,
      },
    ]);
    expect(item.finalOffer!.amountMinor).toBe(item.quote.amountMinor);
    expect(item.explanation!.lines.filter((l) => l.code.endsWith('accessories'))).toEqual([]);
    expectExplained(item);
  });

  it('explains a lower final price by the checks inspection found beyond the declared ones', async () => {
    const model = await newModel();
    await importSales(sales(model.code, 10, 300_000)).expect(200);
    const order = await quoted([
      {
        productModelId: model.id,
        declaredCondition: { condition: 'excellent', screenCracked: true },
      },
    ]);
    expect(order.items[0].quote.lines.map((l) => l.code)).toContain('declared:screen_condition');
    const battery: GradeFinding = {
      checkId: 'battery_health',
      label: 'Battery health',
      answer: 71,
      severity: 'functional',
      rule: 'battery-below-80',
      ruleGrade: 'good',
      deductionMinor: 25_000,
    };
    const item = await inspected(order, [CRACKED, battery]);
    expect(item.finalOffer!.amountMinor).toBeLessThan(item.quote.amountMinor);
    expectExplained(item);
    expect(item.explanation!.lines.map((l) => l.code)).toEqual(['defect:battery_health']);
    expect(item.explanation!.lines[0].cause).toMatchObject({
      kind: 'inspection-check',
      checkId: 'battery_health',
      rule: 'battery-below-80',
    });
  });

  it('gives a declared deduction back when inspection finds the check sound, naming the check', async () => {
    const model = await newModel();
    await importSales(sales(model.code, 10, 300_000)).expect(200);
    const order = await quoted([
      {
        productModelId: model.id,
        declaredCondition: { condition: 'good', selfAssessment: { cameras: false } },
      },
    ]);
    const declared = order.items[0].quote.lines.find((l) => l.code === 'declared:cameras');
    expect(declared).toMatchObject({ amountMinor: -30_000, ruleCode: 'any-functional' });
    const sound: GradeFinding = {
      checkId: 'cameras',
      label: 'Cameras and flash work',
      answer: true,
      severity: 'none',
      rule: null,
    };
    const bodyWear: GradeFinding = {
      checkId: 'body_condition',
      label: 'Frame and back',
      answer: 'dents_or_scratches',
      severity: 'cosmetic',
      rule: null,
      deductionShare: 0.08,
    };
    const item = await inspected(order, [sound, bodyWear]);
    const explanation = item.explanation!;
    expect(explanation.differenceMinor).toBe(item.finalOffer!.amountMinor - item.quote.amountMinor);
    expect(explanation.lines.reduce((s, l) => s + l.differenceMinor, 0)).toBe(
      explanation.differenceMinor,
    );
    const cameras = explanation.lines.find((l) => l.code === 'defect:cameras');
    expect(cameras!.differenceMinor).toBeGreaterThan(0);
    expect(cameras!.cause).toMatchObject({
      kind: 'inspection-check',
      checkId: 'cameras',
      rule: 'any-functional',
    });
    const body = explanation.lines.find((l) => l.code === 'defect:body_condition');
    expect(body!.differenceMinor).toBeLessThan(0);
  });

  it('learns a defect deduction from enough sales carrying it, and names where it comes from', async () => {
    const model = await newModel();
    await importSales([
      ...sales(model.code, 10, 300_000),
      ...sales(model.code, 30, 150_000, { defects: 'screen_condition=cracked' }),
    ]).expect(200);
    const order = await quoted([
      {
        productModelId: model.id,
        declaredCondition: { condition: 'good', selfAssessment: { screen_condition: 'cracked' } },
      },
    ]);
    const lines = order.items[0].quote.lines;
    const at = lines.findIndex((l) => l.code === 'declared:screen_condition');
    expect(lines[at].label).toBe('Declared: Screen glass (learned from 30 sales, weight 50 %)');
    // Half the learned share (about 50 % of the value) and half the rule's ¥600.
    const base = lines.slice(0, at).reduce((s, l) => s + l.amountMinor, 0);
    const share = 1 - Math.exp(Math.log(150_000) - Math.log(300_000));
    expect(Math.abs(lines[at].amountMinor + 0.5 * share * base + 0.5 * 60_000)).toBeLessThan(
      0.02 * base,
    );
    // A defect with fewer sales keeps the rule table: the body is priced by the standard.
    const body = await quoted([
      {
        productModelId: model.id,
        declaredCondition: {
          condition: 'good',
          selfAssessment: { body_condition: 'bent_or_cracked' },
        },
      },
    ]);
    expect(body.items[0].quote.lines.find((l) => l.code === 'declared:body_condition')?.label).toBe(
      'Declared: Frame and back (standard rule)',
    );
  });

  it('imports sales with their defects and refuses a defect that is no check of the standard', async () => {
    const model = await newModel();
    const bad = await importSales([
      `${category.code},${model.code},,good,${day(3)},250000,screen_condition=cracked;battery_health`,
      `${category.code},${model.code},,good,${day(3)},250000,screen_cracked`,
      `${category.code},${model.code},,good,${day(3)},250000,screen_condition`,
    ]).expect(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual([
      'line 3: defects',
      'line 4: defects',
    ]);
    expect(bad.body.fields[0].errors[0]).toContain('screen_cracked is not a check');
    await importSales([
      `${category.code},${model.code},,good,${day(3)},250000,battery_health;screen_condition=cracked`,
    ]).expect(200);
    const [row] = await t.dataSource.query<Array<{ defects: string[] }>>(
      `SELECT s.defects FROM market_sales s JOIN product_models p ON p.id = s.product_model_id
        WHERE p.code = $1`,
      [model.code],
    );
    expect(row.defects).toEqual(['battery_health', 'screen_condition=cracked']);
  });
});
