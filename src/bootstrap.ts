import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import helmet from 'helmet';
import { Cluster } from 'ioredis';
import { Logger } from 'nestjs-pino';
import { normaliseEmail } from './accounts/accounts.service.js';
import { normalisePhone } from './core/http/phone.js';
import { AppModule } from './app.module.js';
import { type AppConfig, ConfigError } from './config/app-config.js';
import { assertOperatorData } from './config/operator-data.js';
// Loads config/grading-standards/ with the engine's checks (registered for prepare() too): a
// broken standard stops the boot with its file, line and field like every other data set.
import './catalog/standards/demo-standards.js';
import { ensureDatabase, migrate } from './database/database.js';
import { releaseBootMemory } from './platform/boot-memory.js';
import { mountConsole } from './platform/console-site.js';
import { logFormat } from './platform/logging.js';
import { siteUrls, startupLines } from './platform/site-urls.js';
import { MetricsService } from './core/metrics/metrics.service.js';
import { OpsServer } from './platform/ops-server.js';
import { serveUnderSupervisor } from './platform/api-supervisor.js';
import { mountQueueDashboard } from './platform/queue-dashboard.js';
import { REDIS } from './platform/redis.provider.js';
import { connectRedis, type RedisClient, redisWhere } from './core/redis/redis-client.js';
import { documentValidationLimits } from './core/http/openapi-limits.js';
import { completeDocument } from './platform/openapi-document.js';

/** Routes that check a password or a one-time code: the stricter per-address budget. */
const PASSWORD_ROUTES = [
  '/api/v1/auth/login',
  '/api/v1/auth/password-reset/request',
  '/api/v1/auth/password-reset/confirm',
  '/api/v1/auth/sign-up-codes',
  '/api/v1/me/password',
];
/** Of those, the ones that send a code (their own per-account budget). */
const CODE_REQUESTS = ['/api/v1/auth/password-reset/request', '/api/v1/auth/sign-up-codes'];
/** Of those, the ones naming an account in the body: also limited per account. */
const ACCOUNT_ROUTES = PASSWORD_ROUTES.filter((r) => r.startsWith('/api/v1/auth/'));

/** The account a login or reset body names (normalised e-mail), or null. */
function accountOf(body: unknown): string | null {
  const { email, phone } = (body ?? {}) as { email?: unknown; phone?: unknown };
  if (typeof email === 'string' && email.trim() !== '') return normaliseEmail(email);
  // Sign-in by mobile: the same account under any spelling of its number.
  if (typeof phone === 'string' && phone.trim() !== '') return normalisePhone(phone) ?? phone;
  return null;
}

/**
 * Checks Redis answers and will not evict BullMQ's keys; one clear line if not. On a cluster,
 * every master is asked (each holds some queues).
 */
export async function checkRedis(
  config: Pick<AppConfig, 'redisUrl' | 'redisCluster'>,
): Promise<void> {
  const where = redisWhere(config);
  const redis = connectRedis(config, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
    for (const server of servers) {
      const policy = await server.config('GET', 'maxmemory-policy').catch(() => null);
      const value = Array.isArray(policy) ? String(policy[1]) : null;
      if (value !== null && value !== 'noeviction') {
        const { host, port } = server.options;
        throw new ConfigError(
          `Redis at ${host}:${port} has maxmemory-policy=${value}; BullMQ needs noeviction: run \`redis-cli -h ${host} -p ${port} config set maxmemory-policy noeviction\` (and set it in redis.conf)`,
        );
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const setting = config.redisCluster ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
    throw new ConfigError(
      `Cannot reach Redis at ${where} (${(err as Error).message}): start it (e.g. \`redis-server --daemonize yes\`) or point ${setting} at a running server`,
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * Everything that must hold before the app starts: the operator data in config/ valid (else
 * ConfigFileError names file, line and field), database present and migrated, Redis fit.
 */
export async function prepare(config: AppConfig): Promise<void> {
  assertOperatorData();
  await checkRedis(config);
  await ensureDatabase(config.databaseUrl);
  await migrate(config.databaseUrl);
}

export async function createHttpApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For / -Proto only from the proxies listed in TRUST_PROXY (none by default):
    // otherwise any client could choose its own address and escape the rate limits.
    trustProxy: config.trustProxy,
    // One id per request, taken from X-Request-Id when the caller sends a sane one.
    genReqId: (req: import('node:http').IncomingMessage) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
      req.headers['x-request-id'] = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Station requests are signed over their exact bytes (issue 17): keep them as req.rawBody.
    rawBody: true,
  });
  app.useLogger(app.get(Logger));
  // The JSON-LD context lives at a stable address outside the API's version (issue 24).
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'contexts/reloop/v1'] });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  // Latency per route pattern (`/api/v1/pickups/:id`), never the raw URL: ids and unknown
  // paths would make a series per request.
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  // Security headers, helmet's defaults with our CSP. The middleware is built once: the Fastify
  // plugin rebuilt it (and parsed the CSP again) on every request (issue 27, CPU per request).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        // blob: the console shows signed-in photos it fetched with the user's token.
        imgSrc: ["'self'", 'data:', 'blob:'],
      },
    },
  });
  fastify.addHook('onRequest', (req, reply, done) =>
    securityHeaders(req.raw, reply.raw, (err) => done(err as Error | undefined)),
  );
  app.enableCors({ origin: config.corsOrigins, credentials: false });
  // Photo uploads (POST /api/v1/photos): one file part, streamed up to PHOTO_MAX_BYTES (then a
  // 413), a few small fields at most. The JSON body limit above does not apply to multipart.
  await app.register(multipart, {
    limits: {
      fileSize: config.photos.maxBytes,
      files: 1,
      fields: 5,
      fieldSize: 1000,
      parts: 6,
      headerPairs: 50,
    },
  });
  // Counters live in Redis so a limit holds across every API instance; login (and the other
  // routes that check a password or a code) has its own, stricter budget per client address,
  // and a second one per account, so rotating addresses does not help a guesser either.
  // If Redis is unreachable the limit is skipped rather than failing requests.
  const bucket = (req: { routeOptions?: { url?: string } }) => {
    const url = req.routeOptions?.url ?? '';
    return PASSWORD_ROUTES.includes(url) ? 'login' : 'api';
  };
  await app.register(rateLimit, {
    global: true,
    redis: app.get<RedisClient>(REDIS),
    nameSpace: `${config.queuePrefix}:rate:`,
    timeWindow: 60_000,
    skipOnError: true,
    allowList: (req: { url: string }) => req.url === '/health',
    keyGenerator: (req: { routeOptions?: { url?: string }; ip: string }) =>
      `${bucket(req)}:${req.ip}`,
    max: (_req: unknown, key: string) =>
      key.startsWith('login:') ? config.rateLimit.loginPerMinute : config.rateLimit.perMinute,
  });
  const perAccount = fastify.createRateLimit({
    max: config.rateLimit.loginPerAccountPerMinute,
    timeWindow: 60_000,
    // Guesses (login, reset code) share one budget; asking for codes has its own.
    keyGenerator: (req: { body?: unknown; routeOptions: { url?: string } }) =>
      `account:${CODE_REQUESTS.includes(req.routeOptions.url ?? '') ? 'send' : 'guess'}:${accountOf(req.body)}`,
  });
  // After the body is parsed (the account is in it), before the handler checks the password.
  fastify.addHook('preHandler', async (req, reply) => {
    if (!ACCOUNT_ROUTES.includes(req.routeOptions.url ?? '') || !accountOf(req.body)) return;
    const limit = await perAccount(req).catch(() => null);
    if (!limit || limit.isAllowed || !limit.isExceeded) return;
    void reply.header('retry-after', String(limit.ttlInSeconds));
    return reply.status(429).send({
      statusCode: 429,
      error: 'Too Many Requests',
      code: 'too_many_requests',
      message: `Too many attempts for this account: try again in ${limit.ttlInSeconds} s`,
    });
  });
  documentValidationLimits();
  const document = completeDocument(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Reloop API')
        .setDescription('Reverse supply chain of second-hand goods: acquisition to resale.')
        .setVersion('1')
        .addBearerAuth({
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A short-lived access token from POST /auth/login (JWT per RFC8725: HS256 only, ' +
            'issuer, audience and expiry checked).',
        })
        .build(),
    ),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await mountQueueDashboard(app);
  await mountConsole(app.getHttpAdapter().getInstance());
  return app;
}

export async function createWorkerContext(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  return app;
}

/** Opens the operations port (metrics, process health) unless METRICS_PORT=0. */
async function openOpsPort(ctx: INestApplicationContext, config: AppConfig): Promise<string> {
  if (config.metrics.port === 0) return 'off (METRICS_PORT=0)';
  try {
    const port = await ctx.get(OpsServer).listen(config.metrics.port, config.metrics.host);
    return `http://${config.metrics.host}:${port}/metrics`;
  } catch (err) {
    // A second local instance on the same machine: run without it rather than not at all.
    ctx
      .get(Logger)
      .warn(
        `Metrics and health port ${config.metrics.host}:${config.metrics.port} not opened (${(err as Error).message}): set METRICS_PORT to a free port, or 0 to turn it off`,
      );
    return 'not opened';
  }
}

/**
 * Starts this process in its mode; API and workers share one build (spec §6). `prepared`: an
 * API worker under the supervisor, which checked Redis and migrated the database already.
 */
export async function start(
  config: AppConfig,
  opts: { prepared?: boolean } = {},
): Promise<INestApplicationContext> {
  if (!opts.prepared) await prepare(config);
  if (config.mode === 'worker') {
    const ctx = await createWorkerContext(config);
    await ctx.init();
    for (const w of config.warnings) ctx.get(Logger).warn(w);
    const ops = await openOpsPort(ctx, config);
    ctx.get(Logger).log(`Reloop workers started (metrics and health: ${ops})`);
    return ctx;
  }
  const app = await createHttpApp(config);
  serveUnderSupervisor(app);
  await app.listen({ port: config.port, host: config.host });
  // Before the start-up lines: whoever waits for them finds the process's log written.
  releaseBootMemory();
  const logger = app.get(Logger);
  for (const w of config.warnings) logger.warn(w);
  const ops = await openOpsPort(app, config);
  const urls = siteUrls(config);
  logger.log(
    `Reloop ${config.mode} listening on http://${config.host}:${config.port} (console: ${urls.console}; market: ${urls.market}; API docs: ${urls.apiDocs}; queue dashboard: ${urls.queueDashboard}; metrics and health: ${ops})`,
  );
  // On a developer's machine, where to go in plain words too: through the pretty log (so it
  // comes after the start-up lines it buffered), or beside the JSON one.
  if (config.env === 'development') {
    const block = startupLines(config, ops).join('\n');
    if (logFormat(config) === 'pretty') logger.log(`\n${block}`);
    else console.log(block);
  }
  return app;
}
