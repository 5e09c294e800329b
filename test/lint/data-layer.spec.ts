// The data layer's ratchet (eslint.data-layer.mjs, issue 20 point 1): in a converted stage only
// src/<stage>/data/ reaches the ORM. These tests fail if the rule stops being applied, stops
// catching a service that queries, or starts refusing a repository or a service that delegates.
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import dataLayer, { DATA_LAYER_STAGES } from '../../eslint.data-layer.mjs';

const root = join(import.meta.dirname, '..', '..');

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
    ...dataLayer,
  ],
});

async function ruleErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

const service = (body: string) =>
  [
    "import { DataSource } from 'typeorm';",
    "import { Item } from '../core/items/item.entity.js';",
    'export class LeakyService {',
    '  constructor(private readonly dataSource: DataSource) {}',
    '  async get(id: string) {',
    `    ${body}`,
    '  }',
    '}',
    '',
  ].join('\n');

describe('the data layer ratchet', () => {
  it('covers the converted stages, the first being recycling', () => {
    expect(DATA_LAYER_STAGES).toContain('recycling');
    expect(DATA_LAYER_STAGES).toEqual(expect.arrayContaining(['tracking', 'vehicles']));
  });

  it('is an error in the repository lint config for a converted stage, not in its data/', async () => {
    const rules = async (file: string) =>
      (
        (await new ESLint({ cwd: root }).calculateConfigForFile(join(root, file))) as {
          rules: Record<string, unknown[]>;
        }
      ).rules;
    for (const stage of DATA_LAYER_STAGES) {
      expect((await rules(`src/${stage}/${stage}.service.ts`))['no-restricted-syntax']?.[0]).toBe(
        2,
      );
      expect((await rules(`src/${stage}/data/x.repository.ts`))['no-restricted-syntax']).toBe(
        undefined,
      );
    }
  });

  it.each(DATA_LAYER_STAGES)('refuses a %s service that calls getRepository', async (stage) => {
    const errors = await ruleErrors(
      `src/${stage}/leaky.fixture.ts`,
      service('return this.dataSource.getRepository(Item).findOne({ where: { id } });'),
    );
    expect(errors).toEqual([
      'no-restricted-syntax: getRepository() outside data/: Query through a repository in src/<stage>/data/ (issue 20 point 1).',
    ]);
  });

  it('refuses raw SQL, a query builder, a manager call and core/sql in a service', async () => {
    const file = 'src/recycling/leaky.fixture.ts';
    expect(
      await ruleErrors(file, service("return this.dataSource.query('SELECT 1');")),
    ).toHaveLength(1);
    expect(
      await ruleErrors(file, service("return this.dataSource.createQueryBuilder(Item, 'i');")),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        file,
        service('return this.dataSource.transaction((m) => m.findOne(Item, { where: { id } }));'),
      ),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        file,
        "import { findById } from '../core/sql.js';\nexport const f = findById;\n",
      ),
    ).toHaveLength(1);
  });

  it('refuses a tracking read on the replica outside data/, and lets its data/ read there', async () => {
    // Tracking chooses the connection (replica or primary); the query itself is the repository's.
    const replicaRead = service("return this.reads.replica.query('SELECT 1');");
    expect(await ruleErrors('src/tracking/search.service.ts', replicaRead)).toHaveLength(1);
    expect(
      await ruleErrors('src/tracking/data/tracking.repository.fixture.ts', replicaRead),
    ).toEqual([]);
  });

  it('refuses a vehicles service that reads through a transaction manager', async () => {
    expect(
      await ruleErrors(
        'src/vehicles/vehicles.service.ts',
        service(
          'return this.dataSource.transaction((m) => m.getRepository(Item).findOneBy({ id }));',
        ),
      ),
    ).toEqual([
      'no-restricted-syntax: getRepository() outside data/: Query through a repository in src/<stage>/data/ (issue 20 point 1).',
    ]);
  });

  it('lets the stage query in data/, and its services open transactions and delegate', async () => {
    expect(
      await ruleErrors(
        'src/recycling/data/item.repository.fixture.ts',
        service('return this.dataSource.getRepository(Item).findOne({ where: { id } });'),
      ),
    ).toEqual([]);
    expect(
      await ruleErrors(
        'src/recycling/delegating.fixture.ts',
        service(
          'return this.dataSource.transaction((m) => [1, 2].find((n) => n === id.length) ?? m);',
        ),
      ),
    ).toEqual([]);
  });

  it('covers resale, its repositories included', async () => {
    expect(DATA_LAYER_STAGES).toContain('resale');
    expect(
      await ruleErrors(
        'src/resale/sale-orders.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM sale_orders");'),
      ),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        'src/resale/data/sale-order.repository.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM sale_orders");'),
      ),
    ).toEqual([]);
  });

  it('covers acquisition, its repositories included', async () => {
    expect(DATA_LAYER_STAGES).toContain('acquisition');
    expect(
      await ruleErrors(
        'src/acquisition/trade-ins.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM trade_in_orders");'),
      ),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        'src/acquisition/data/trade-in-order.repository.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM trade_in_orders");'),
      ),
    ).toEqual([]);
  });

  it('covers the shared credentials and money modules, its subfolders included', async () => {
    expect(DATA_LAYER_STAGES).toEqual(expect.arrayContaining(['credentials', 'money']));
    expect(
      await ruleErrors(
        'src/credentials/checkpoints.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM history_checkpoints");'),
      ),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        'src/money/transfers/transfers.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM money_transfers");'),
      ),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        'src/money/data/transfer.repository.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM money_transfers");'),
      ),
    ).toEqual([]);
  });

  it('covers accounts: sessions, one-time codes and their raw SQL stay in data/', async () => {
    expect(DATA_LAYER_STAGES).toContain('accounts');
    expect(
      await ruleErrors(
        'src/accounts/one-time-codes.fixture.ts',
        "import { execute } from '../core/sql.js';\nexport const f = execute;\n",
      ),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        'src/accounts/sessions.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM refresh_tokens");'),
      ),
    ).toHaveLength(1);
    expect(
      await ruleErrors(
        'src/accounts/data/refresh-token.repository.fixture.ts',
        service('return this.dataSource.query("SELECT 1 FROM refresh_tokens");'),
      ),
    ).toEqual([]);
  });

  it('leaves stages not yet converted alone', async () => {
    expect(
      await ruleErrors(
        'src/platform/leaky.fixture.ts',
        service('return this.dataSource.getRepository(Item).findOne({ where: { id } });'),
      ),
    ).toEqual([]);
  });
});
