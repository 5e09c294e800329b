import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { CONFIG_DIR, checkOperatorData, formatProblem } from '../../config/operator-data.js';
import {
  DEMO_CATEGORIES,
  DEMO_LEAF_CATEGORIES,
  DEMO_PRODUCT_MODELS,
  type DemoCategory,
  type LeafCategory,
  categoryPath,
  findDemoLeaf,
} from './demo-catalog.js';
import { checkCategoryTree } from './category-tree.js';
import { DEMO_STANDARDS } from '../standards/demo-standards.js';

const standardCodes = new Set(DEMO_STANDARDS.map((s) => s.code));

describe('demo category tree', () => {
  it('is sound: unique kebab-case codes, three levels, every leaf has an existing standard', () => {
    expect(checkCategoryTree(DEMO_CATEGORIES, standardCodes)).toEqual([]);
  });

  it('has unique codes', () => {
    const codes = DEMO_CATEGORIES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has at least 40 leaves, all at level 3 under a level-2 under a level-1 root', () => {
    expect(DEMO_LEAF_CATEGORIES.length).toBeGreaterThanOrEqual(40);
    const byCode = new Map(DEMO_CATEGORIES.map((c) => [c.code, c]));
    for (const leaf of DEMO_LEAF_CATEGORIES) {
      const parent = byCode.get(leaf.parentCode);
      const root = parent?.parentCode ? byCode.get(parent.parentCode) : undefined;
      expect([leaf.level, parent?.level, root?.level, root?.parentCode]).toEqual([3, 2, 1, null]);
    }
    expect(categoryPath('smartphones')).toEqual(['Digital', 'Phones', 'Smartphones']);
  });

  it('uses every demo standard, and only those', () => {
    expect(new Set(DEMO_LEAF_CATEGORIES.map((c) => c.standardCode))).toEqual(standardCodes);
  });

  it('covers the families the issue lists', () => {
    const rootOf = (code: string) => categoryPath(code)[0];
    const roots = new Set(DEMO_LEAF_CATEGORIES.map((c) => rootOf(c.code)));
    expect(roots).toEqual(new Set(['Digital', 'Home', 'Luxury', 'Books', 'Clothing', 'Vehicles']));
    for (const code of [
      'smartphones',
      'tablets',
      'laptops',
      'mirrorless-cameras',
      'home-consoles',
      'smartwatches',
      'refrigerators',
      'upright-pianos',
      'handbags',
      'mechanical-watches',
      'textbooks',
      'sneakers',
      'sedans',
    ]) {
      expect(findDemoLeaf(code)).toBeDefined();
    }
  });

  it('has sensible leaf settings', () => {
    expect(findDemoLeaf('smartphones')).toMatchObject({
      identifier: 'imei',
      requiresErasure: true,
      standardCode: 'phone',
    });
    expect(findDemoLeaf('laptops')?.storageMedia).toEqual([{ type: 'flash', interface: 'nvme' }]);
    expect(findDemoLeaf('sedans')).toMatchObject({ identifier: 'vin', standardCode: 'vehicle' });
    expect(findDemoLeaf('handbags')).toMatchObject({ requiresErasure: false, storageMedia: [] });
    expect(findDemoLeaf('textbooks')?.identifier).toBe('none');
    for (const leaf of DEMO_LEAF_CATEGORIES) {
      expect(leaf.requiresErasure).toBe(leaf.storageMedia.length > 0);
      expect(Number.isSafeInteger(leaf.scrapValueMinor)).toBe(true);
      expect(Number.isSafeInteger(leaf.typicalWeightGrams)).toBe(true);
    }
  });

  it('checkCategoryTree catches a broken tree', () => {
    const broken: DemoCategory[] = [
      { code: 'digital', name: 'Digital', nameZh: '数码', parentCode: null, level: 1, leaf: false },
      {
        code: 'phones',
        name: 'Phones',
        nameZh: '手机',
        parentCode: 'digital',
        level: 2,
        leaf: false,
      },
      { ...(findDemoLeaf('smartphones') as DemoCategory) },
      { ...(findDemoLeaf('smartphones') as DemoCategory) },
      { ...(findDemoLeaf('laptops') as DemoCategory) },
      { ...(findDemoLeaf('tablets') as LeafCategory), parentCode: 'phones', standardCode: 'nope' },
      { code: 'empty', name: 'Empty', nameZh: '空', parentCode: null, level: 1, leaf: false },
    ];
    expect(checkCategoryTree(broken, standardCodes).map((p) => `${p.code}: ${p.message}`)).toEqual([
      'smartphones: duplicate code',
      'laptops: unknown parent computers',
      'tablets: unknown standard nope',
      'empty: branch without children',
    ]);
  });
});

describe('demo product models', () => {
  const leafCodes = new Set(DEMO_LEAF_CATEGORIES.map((c) => c.code));

  it('has at least 60 models with unique codes, each in a leaf category', () => {
    expect(DEMO_PRODUCT_MODELS.length).toBeGreaterThanOrEqual(60);
    const codes = DEMO_PRODUCT_MODELS.map((m) => m.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const m of DEMO_PRODUCT_MODELS) {
      expect(leafCodes.has(m.categoryCode)).toBe(true);
      expect(m.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('has valid ISO launch dates and integer CNY launch prices', () => {
    for (const m of DEMO_PRODUCT_MODELS) {
      expect(m.launchDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${m.launchDate}T00:00:00Z`).toISOString().slice(0, 10)).toBe(m.launchDate);
      expect(Number.isSafeInteger(m.launchPriceMinor) && m.launchPriceMinor > 0).toBe(true);
      expect(m.currency).toBe('CNY');
    }
  });

  it('spreads the models over the families and includes the well-known references', () => {
    const standards = new Set(
      DEMO_PRODUCT_MODELS.map((m) => findDemoLeaf(m.categoryCode)?.standardCode),
    );
    expect(standards).toEqual(standardCodes);
    const names = DEMO_PRODUCT_MODELS.map((m) => m.model);
    for (const needle of [
      'iPhone 15 Pro',
      'Galaxy S24',
      'MacBook Air 13-inch (M2)',
      'ThinkPad X1 Carbon',
      'Alpha 7 IV',
      'PlayStation 5',
      'Apple Watch Series 9',
      'U1 upright',
      'Neverfull',
      'Submariner',
      'Camry 2020',
      'Han EV',
      'Model 3',
    ]) {
      expect(names.some((n) => n.includes(needle))).toBe(true);
    }
  });
});

describe('config/categories.yaml (issue 20 point 4)', () => {
  /** A copy of config/ with the category file's text changed. */
  const withCategories = (edit: (text: string) => string) => {
    const dir = mkdtempSync(join(tmpdir(), 'reloop-categories-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    const path = join(dir, 'categories.yaml');
    const text = edit(readFileSync(path, 'utf8'));
    writeFileSync(path, text);
    const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    return { problems: checkOperatorData(dir).map(formatProblem), lineOf };
  };

  it('a wrong value, a duplicate code and an unknown standard each name their line and field', () => {
    const typo = withCategories((t) => t.replace('identifier: imei', 'identifier: imie'));
    expect(typo.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `categories\\.yaml:${typo.lineOf('imie')}:\\d+ categories\\.0\\.children\\.0\\.children\\.0\\.identifier: must be one of`,
        ),
      ),
    ]);
    const rules = withCategories((t) =>
      t
        .replace('code: foldable-phones', 'code: smartphones')
        .replace('standardCode: tablet', 'standardCode: tablets'),
    );
    expect(rules.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `categories\\.yaml:${rules.lineOf('standardCode: tablets')}:\\d+ categories\\.0\\.children\\.1\\.children\\.0\\.standardCode: unknown standard tablets`,
          ),
        ),
        expect.stringMatching(
          /categories\.yaml:\d+:\d+ categories\.[\d.a-z]+\.code: duplicate code/,
        ),
      ]),
    );
  });

  it('checks a leaf against the standards in the same folder being checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reloop-categories-'));
    cpSync(CONFIG_DIR, dir, { recursive: true });
    rmSync(join(dir, 'grading-standards', 'tablet.yaml'));
    const problems = checkOperatorData(dir).map(formatProblem);
    expect(problems.filter((p) => p.includes('unknown standard tablet'))).toHaveLength(
      DEMO_LEAF_CATEGORIES.filter((c) => c.standardCode === 'tablet').length,
    );
    expect(problems.every((p) => p.includes('standardCode: unknown standard tablet'))).toBe(true);
  });

  it('the tree loaded from the file keeps every parent before its children', () => {
    const seen = new Set<string>();
    for (const c of DEMO_CATEGORIES) {
      if (c.parentCode !== null) expect(seen.has(c.parentCode)).toBe(true);
      seen.add(c.code);
    }
    expect(findDemoLeaf('smartphones')).toMatchObject({
      parentCode: 'phones',
      requiresErasure: true,
      storageMedia: [{ type: 'flash', interface: 'ufs' }],
    });
    expect(findDemoLeaf('handbags')).toMatchObject({ requiresErasure: false, storageMedia: [] });
  });
});
