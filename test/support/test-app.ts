import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { checkResponsesAgainstDocument } from './response-contract.js';
import type TestAgent from 'supertest/lib/agent.js';
import { DataSource } from 'typeorm';
import { AccountsService } from '../../src/accounts/accounts.service.js';
import type { OrganisationKind } from '../../src/accounts/organisation.entity.js';
import { createHttpApp } from '../../src/bootstrap.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import type { UserRole } from '../../src/core/actor.js';
import { TokenService } from '../../src/auth/token.service.js';
import { cloneTemplateDatabase, dropDatabase, TEST_REDIS_URL } from './databases.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: TestAgent;
  dataSource: DataSource;
  /** A signed-in user of the role, in a fresh organisation of the right kind for staff. */
  user(role: UserRole, opts?: { organisationId?: string; phone?: string }): Promise<TestUser>;
  organisation(kind: OrganisationKind, capabilities?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export interface TestUser {
  id: string;
  email: string;
  role: UserRole;
  organisationId: string | null;
  token: string;
  auth: { Authorization: string };
}

const ORG_FOR_ROLE: Partial<Record<UserRole, OrganisationKind>> = {
  warehouse: 'warehouse',
  technician: 'partner',
  merchant: 'merchant',
};

/**
 * Boots the whole platform (API and workers in one process, like `npm start`) on its own
 * database cloned from the migrated template and its own BullMQ prefix, so test files can run
 * in parallel against one PostgreSQL and one Redis.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = await cloneTemplateDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '100000',
    OUTBOX_POLL_MS: '200',
    RECONCILE_INTERVAL_MS: '3600000',
    // No real wiping station runs here: the tests choose the erasure simulator explicitly
    // (its certificates are marked simulated). Pass ERASURE_STATION: 'external' to test without.
    ERASURE_STATION: 'simulated',
    ...env,
  });
  const app = await createHttpApp(config);
  const contract = checkResponsesAgainstDocument(app.getHttpAdapter().getInstance());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  contract.load((await request(app.getHttpServer()).get('/api/docs-json')).body as never);
  const dataSource = app.get(DataSource);
  const accounts = app.get(AccountsService);
  const tokens = app.get(TokenService);
  let counter = 0;

  const organisation = async (kind: OrganisationKind, capabilities: Record<string, unknown> = {}) =>
    (await accounts.createOrganisation({ kind, name: `${kind} ${++counter}`, capabilities })).id;

  const user = async (role: UserRole, opts: { organisationId?: string; phone?: string } = {}) => {
    const orgKind = ORG_FOR_ROLE[role];
    const organisationId =
      opts.organisationId ?? (orgKind ? await organisation(orgKind) : undefined);
    const email = `${role}-${++counter}-${randomBytes(3).toString('hex')}@test.reloop`;
    const created = await accounts.createUser({
      email,
      password: 'correct horse battery',
      name: `${role} ${counter}`,
      role,
      organisationId,
      phone: opts.phone,
    });
    const token = tokens.issue(created).accessToken;
    return {
      id: created.id,
      email,
      role,
      organisationId: created.organisationId,
      token,
      auth: { Authorization: `Bearer ${token}` },
    };
  };

  return {
    app,
    config,
    http: request(app.getHttpServer()),
    dataSource,
    user,
    organisation,
    close: async () => {
      await app.close();
      await dropDatabase(databaseUrl);
      contract.assertNone();
    },
  };
}

/** Settings a production start accepts (issue 17): no simulator, a fixed key, a public URL. */
export function productionEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    ERASURE_STATION: 'external',
    ERASURE_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    PUBLIC_BASE_URL: 'https://reloop.example.com',
    // A real payment provider (issue 23): production refuses the test provider. Nothing here
    // calls it; its keys are made for the test.
    PAYMENT_PROVIDER: 'wechatpay',
    WECHATPAY_MCH_ID: '1900000109',
    WECHATPAY_APP_ID: 'wxd678efh567hg6787',
    WECHATPAY_MERCHANT_SERIAL: 'MERCHANT0123456789ABCDEF',
    WECHATPAY_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
    WECHATPAY_PLATFORM_PUBLIC_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString(),
    WECHATPAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0114232134912410000',
    WECHATPAY_APIV3_KEY: randomBytes(16).toString('hex'),
  };
}

/** Polls until `check` returns a truthy value (background jobs), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
