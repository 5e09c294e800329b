import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { findCjkFont, NO_CJK_FONT } from './cjk-font.js';

export type RunMode = 'api' | 'worker' | 'all';
export type NodeEnv = 'development' | 'production' | 'test';

/** The one typed configuration object. Built once at start-up; nothing else reads `process.env`. */
export interface AppConfig {
  env: NodeEnv;
  mode: RunMode;
  /**
   * `api` mode: how many API processes serve the port, under one supervisor (node:cluster).
   * 1: this process serves it itself, as before.
   */
  apiWorkers: number;
  host: string;
  port: number;
  databaseUrl: string;
  /**
   * A streaming replica for the public and staff read paths (passport, market, timeline, support
   * search); null: they read the primary. See ReadDatabase for what stays on the primary.
   */
  databaseReadUrl: string | null;
  redisUrl: string;
  /**
   * A Redis Cluster instead of one server (REDIS_CLUSTER_NODES): the nodes to start from (the
   * rest are discovered) and REDIS_URL's user, password and TLS for every node. Null: one server.
   */
  redisCluster: RedisClusterConfig | null;
  /**
   * Key prefix: two instances on one Redis with different prefixes never share jobs. On a
   * cluster each queue's BullMQ prefix is hash-tagged from it (see `bullPrefix`).
   */
  queuePrefix: string;
  jwt: { secret: string; issuer: string; audience: string; ttlSeconds: number };
  admin: { email?: string; password?: string };
  corsOrigins: string[];
  /** Login and password reset: per client address, and per account (normalised e-mail). */
  rateLimit: { perMinute: number; loginPerMinute: number; loginPerAccountPerMinute: number };
  /**
   * Proxies whose X-Forwarded-For / -Proto are believed (Fastify's trustProxy): false (the
   * default: the socket's address is the client) or a list of addresses, CIDRs or the names
   * loopback / linklocal / uniquelocal.
   */
  trustProxy: false | string[];
  /** Refresh tokens: a session (one family per login) lasts this long from its login. */
  sessions: { refreshTtlSeconds: number };
  logLevel: string;
  /**
   * 'auto' (default): pretty lines (pino-pretty) in development when standard output is a
   * terminal, JSON otherwise; 'json' or 'pretty' to choose.
   */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Log to this file instead of standard output (appended). */
  logFile: string | null;
  outbox: { pollMs: number; batchSize: number; reconcileMs: number; staleAfterMs: number };
  /** Verifiable credentials and history checkpoints (issue 24). */
  credentials: {
    /** How often a worker signs a checkpoint of the item history heads that changed. */
    checkpointEveryMs: number;
  };
  workerConcurrency: number;
  /** PostgreSQL connections per process when set; see databasePoolSize() for the default. */
  databasePoolSize: number | null;
  /** Data erasure (issue [erasure]). */
  erasure: {
    /** Ed25519 private key (PEM, PKCS#8) that signs erasure certificates. */
    signingKeyPem: string;
    /** 'auto': cn-2027 from 2027-01-01 (Beijing time), nist-purge before. */
    policy: 'auto' | 'nist-clear' | 'nist-purge' | 'cn-2027';
    /**
     * 'external' (default): wipes are done by registered stations or reported by import.
     * 'simulated': the built-in simulator "wipes" (development and demos only; nothing is
     * erased, its certificates say so, and production refuses to start with it).
     */
    station: 'simulated' | 'external';
    simulator: { seed: string | null; failureRate: number; verificationFailureRate: number };
    /** Delay before the second try of a failed wipe; doubles per try (3 tries in all). */
    retryBaseDelayMs: number;
    /**
     * The Chinese font embedded in certificate PDFs (CERTIFICATE_FONT, else a known system
     * path); null only outside production, where Chinese then prints as '?' (with a warning).
     */
    certificateFont: string | null;
  };
  /** Where the public item passport lives; printed in each item's QR label. */
  publicBaseUrl: string;
  /** Outbound webhooks: private/loopback receivers only when explicitly allowed (tests). */
  webhooks: { allowPrivate: boolean };
  /** Trade-ins (issue [acquisition]). */
  acquisition: {
    quoteValidityDays: number;
    /**
     * How long the owner has to answer a final offer below the quote; unanswered, the item goes
     * back to them free (the named outcome of the offer's timeout, as Back Market does).
     */
    offerValidityDays: number;
    /** A final price this share (or less) below the quote is confirmed without asking. */
    offerTolerance: number;
    /** A larger cut than this share of the quote needs a second grader (fairness guard). */
    maxCutShare: number;
    /**
     * The operator's margin: quotes and final prices are the engine's market (resale) value
     * less this share.
     */
    marginShare: number;
  };
  /** Cron pattern of the periodic valuation refit. */
  valuation: { refitCron: string };
  /** Resale (issue [resale]): checkout reservation time, default buyer return window. */
  resale: { reservationMinutes: number; returnWindowDays: number; maxOpenReservations: number };
  /**
   * Money (issue 23): which payment provider takes payments, refunds and pays out.
   * 'test-pay' (the default outside production) moves no money and is refused in production.
   */
  payments: {
    provider: PaymentProviderName;
    wechatpay: WeChatPayConfig | null;
    /** Cron pattern (China time) of the daily reconciliation of yesterday's statements. */
    reconciliationCron: string;
  };
  /**
   * The operations port (issue 25): Prometheus `/metrics` and the process's `/health` (with its
   * queues, for workers), apart from the API so it is never exposed with it. Port 0: off.
   */
  metrics: { port: number; host: string };
  /**
   * Owner notifications (issue 25): 'smtp' sends e-mail through `smtpUrl`; 'sms' sends text
   * messages through the operator's SMS gateway (`sms`); 'database' only records them (the
   * default when no SMTP server or gateway is set: development and tests). Only a channel that
   * reaches phones can send sign-up codes, so only 'sms' asks for one (issue 22 point 2).
   */
  notifications: {
    channel: NotifyChannel;
    smtpUrl: string | null;
    from: string;
    sms: { url: string; token: string } | null;
  };
  /** Retention (issue 25): how long finished rows are kept before the daily pruning. */
  retention: {
    cron: string;
    outboxCompletedDays: number;
    outboxFailedDays: number;
    idempotencyKeyHours: number;
    webhookDeliveredDays: number;
    /** Owner notifications that are finished (sent, skipped, undeliverable, recorded). */
    notificationDays: number;
    /** Jobs BullMQ keeps as failed for good (the queue dashboard's "failed" list). */
    failedJobDays: number;
  };
  /**
   * Photos (issue 22): where uploaded images are kept ('local': a folder on this machine, the
   * default that needs nothing; 's3': any S3-compatible store — MinIO, Aliyun OSS, Tencent COS)
   * and the upload limit.
   */
  photos: {
    store: 'local' | 's3';
    dir: string;
    maxBytes: number;
    /** Photos uploaded but never attached to anything are deleted after this many days. */
    unattachedDays: number;
    s3: PhotoS3Config | null;
  };
  /** Warnings to log once the logger exists (e.g. a generated development secret). */
  warnings: string[];
}

export interface RedisClusterConfig {
  nodes: Array<{ host: string; port: number }>;
  username?: string;
  password?: string;
  tls: boolean;
}

/** An S3-compatible bucket for photos (PHOTO_S3_*). */
export interface PhotoS3Config {
  endpoint: string | null;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`): MinIO and most self-hosted stores need them. */
  forcePathStyle: boolean;
}

/** WeChat Pay API v3 (direct merchant): keys and numbers from the merchant platform. */
export interface WeChatPayConfig {
  mchId: string;
  appId: string;
  /** Serial number of the merchant API certificate (sent with every signed request). */
  merchantSerial: string;
  /** The merchant API private key (PEM) that signs requests. */
  privateKeyPem: string;
  /** WeChat Pay's platform certificate or public key (PEM) that signs answers and notifications. */
  platformPublicKeyPem: string;
  /** Its serial (certificate serial or public key id, `Wechatpay-Serial`). */
  platformSerial: string;
  /** The APIv3 key (32 characters) that encrypts notification resources (AES-256-GCM). */
  apiV3Key: string;
  baseUrl: string;
  notifyUrl: string;
  /** Merchant transfer scene (商家转账场景 ID) for payouts. */
  transferSceneId: string;
}

export const PAYMENT_PROVIDERS = ['test-pay', 'wechatpay'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** A configuration problem, reported as one line with what is wrong and how to fix it. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Where owner notifications go (NOTIFY_CHANNEL). */
export const NOTIFY_CHANNELS = ['smtp', 'sms', 'database'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/**
 * Decorators applied as if written one above the other (bottom first, as TypeScript applies
 * them), so a variable's checks run and report in the same order as when spelled out.
 */
const stacked = (...decorators: PropertyDecorator[]) => applyDecorators(...decorators.reverse());
/** An optional URL with one of these schemes; a host without a TLD (a service name) is fine. */
const OptionalUrl = (...protocols: string[]) =>
  stacked(IsOptional(), IsUrl({ protocols, require_tld: false, require_protocol: true }));
const bounds = (min: number, max?: number) =>
  max === undefined ? [Min(min)] : [Min(min), Max(max)];
/** An optional whole number, at least `min` (and at most `max`). */
const OptionalInt = (min: number, max?: number) =>
  stacked(IsOptional(), Transform(toInt), IsInt(), ...bounds(min, max));
/** An optional number, at least `min` (and at most `max`). */
const OptionalNumber = (min: number, max?: number) =>
  stacked(IsOptional(), Transform(toInt), IsNumber(), ...bounds(min, max));

class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: NodeEnv;
  @IsOptional() @IsIn(['api', 'worker', 'all']) RELOOP_MODE?: RunMode;
  @OptionalInt(1, 256) API_WORKERS?: number;
  @IsOptional() @IsString() HOST?: string;
  @OptionalInt(0, 65535) PORT?: number;
  @OptionalInt(0, 65535) METRICS_PORT?: number;
  @IsOptional() @IsString() METRICS_HOST?: string;
  @IsOptional() @IsIn(NOTIFY_CHANNELS) NOTIFY_CHANNEL?: NotifyChannel;
  @OptionalUrl('http', 'https') SMS_GATEWAY_URL?: string;
  @IsOptional() @IsString() @MinLength(16) SMS_GATEWAY_TOKEN?: string;
  @OptionalUrl('smtp', 'smtps') SMTP_URL?: string;
  @IsOptional() @IsString() @MinLength(3) SMTP_FROM?: string;
  @IsOptional() @Matches(/^\S+( \S+){4,5}$/) RETENTION_CRON?: string;
  @OptionalNumber(0.01) RETENTION_OUTBOX_DAYS?: number;
  @OptionalNumber(0.01) RETENTION_OUTBOX_FAILED_DAYS?: number;
  // Keys are honoured for 24 h (the idempotency interceptor): kept longer, never shorter.
  @OptionalNumber(24) RETENTION_IDEMPOTENCY_HOURS?: number;
  @OptionalNumber(0.01) RETENTION_WEBHOOK_DAYS?: number;
  @OptionalNumber(0.01) RETENTION_FAILED_JOB_DAYS?: number;
  @OptionalNumber(0.01) RETENTION_NOTIFICATION_DAYS?: number;
  @OptionalUrl('postgres', 'postgresql') DATABASE_URL?: string;
  @OptionalUrl('postgres', 'postgresql') DATABASE_READ_URL?: string;
  @OptionalUrl('redis', 'rediss') REDIS_URL?: string;
  @IsOptional() @IsString() REDIS_CLUSTER_NODES?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,40}$/) QUEUE_PREFIX?: string;
  @IsOptional() @IsString() @MinLength(32) JWT_SECRET?: string;
  @IsOptional() @IsString() JWT_ISSUER?: string;
  @IsOptional() @IsString() JWT_AUDIENCE?: string;
  @OptionalInt(60, 86400) JWT_TTL_SECONDS?: number;
  @IsOptional() @IsEmail() ADMIN_EMAIL?: string;
  @IsOptional() @IsString() @MinLength(12) ADMIN_PASSWORD?: string;
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @OptionalInt(1) RATE_LIMIT_PER_MINUTE?: number;
  @OptionalInt(1) LOGIN_RATE_LIMIT_PER_MINUTE?: number;
  @OptionalInt(1) LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE?: number;
  @IsOptional() @IsString() TRUST_PROXY?: string;
  @OptionalInt(300, 2592000) REFRESH_TOKEN_TTL_SECONDS?: number;
  @IsOptional() @IsString() LOG_FILE?: string;
  @IsOptional() @IsIn(['auto', 'json', 'pretty']) LOG_FORMAT?: 'auto' | 'json' | 'pretty';
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
  @OptionalInt(10) OUTBOX_POLL_MS?: number;
  @OptionalInt(1, 5000) OUTBOX_BATCH_SIZE?: number;
  @OptionalInt(100) RECONCILE_INTERVAL_MS?: number;
  @OptionalInt(100) RECONCILE_STALE_AFTER_MS?: number;
  @OptionalInt(1000, 86_400_000) HISTORY_CHECKPOINT_INTERVAL_MS?: number;
  @OptionalInt(1, 1000) WORKER_CONCURRENCY?: number;
  @OptionalInt(2, 1000) DATABASE_POOL_SIZE?: number;
  @IsOptional() @IsString() ERASURE_SIGNING_KEY?: string;
  @IsOptional() @IsIn(['auto', 'nist-clear', 'nist-purge', 'cn-2027']) ERASURE_POLICY?: string;
  @IsOptional() @IsIn(['simulated', 'external']) ERASURE_STATION?: string;
  @IsOptional() @IsString() ERASURE_SIM_SEED?: string;
  @IsOptional() @IsString() CERTIFICATE_FONT?: string;
  @OptionalNumber(0, 1) ERASURE_SIM_FAILURE_RATE?: number;
  @OptionalNumber(0, 1) ERASURE_SIM_VERIFICATION_FAILURE_RATE?: number;
  @OptionalInt(0) ERASURE_RETRY_BASE_DELAY_MS?: number;
  @OptionalUrl('http', 'https') PUBLIC_BASE_URL?: string;
  @IsOptional() @IsIn(['true', 'false']) WEBHOOKS_ALLOW_PRIVATE?: string;
  @OptionalInt(1, 90) TRADE_IN_QUOTE_VALIDITY_DAYS?: number;
  @OptionalNumber(0.0001, 90) TRADE_IN_OFFER_VALIDITY_DAYS?: number;
  @OptionalNumber(0, 1) TRADE_IN_OFFER_TOLERANCE?: number;
  @OptionalNumber(0, 1) TRADE_IN_MAX_CUT_SHARE?: number;
  @OptionalNumber(0, 0.9) TRADE_IN_MARGIN_SHARE?: number;
  @IsOptional() @Matches(/^\S+( \S+){4,5}$/) VALUATION_REFIT_CRON?: string;
  @OptionalNumber(0.01, 1440) RESALE_RESERVATION_MINUTES?: number;
  @OptionalInt(0, 90) RESALE_RETURN_WINDOW_DAYS?: number;
  @OptionalInt(1, 100) RESALE_MAX_OPEN_RESERVATIONS?: number;
  @IsOptional() @IsIn(PAYMENT_PROVIDERS) PAYMENT_PROVIDER?: PaymentProviderName;
  @IsOptional() @Matches(/^\S+( \S+){4,5}$/) RECONCILIATION_CRON?: string;
  @IsOptional() @Matches(/^\d{6,20}$/) WECHATPAY_MCH_ID?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{4,40}$/) WECHATPAY_APP_ID?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_]{8,64}$/) WECHATPAY_MERCHANT_SERIAL?: string;
  @IsOptional() @IsString() WECHATPAY_PRIVATE_KEY?: string;
  @IsOptional() @IsString() WECHATPAY_PLATFORM_PUBLIC_KEY?: string;
  @IsOptional() @Matches(/^[A-Za-z0-9_]{8,64}$/) WECHATPAY_PLATFORM_SERIAL?: string;
  @IsOptional() @IsString() WECHATPAY_APIV3_KEY?: string;
  @OptionalUrl('http', 'https') WECHATPAY_BASE_URL?: string;
  @OptionalUrl('https', 'http') WECHATPAY_NOTIFY_URL?: string;
  @IsOptional() @Matches(/^\d{1,10}$/) WECHATPAY_TRANSFER_SCENE_ID?: string;
  @IsOptional() @IsIn(['local', 's3']) PHOTO_STORE?: 'local' | 's3';
  @OptionalNumber(0.01) PHOTO_UNATTACHED_DAYS?: number;
  @IsOptional() @IsString() PHOTO_DIR?: string;
  @OptionalInt(1024, 100 * 1024 * 1024) PHOTO_MAX_BYTES?: number;
  @OptionalUrl('http', 'https') PHOTO_S3_ENDPOINT?: string;
  @IsOptional() @Matches(/^[a-z0-9-]{2,40}$/) PHOTO_S3_REGION?: string;
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/) PHOTO_S3_BUCKET?: string;
  @IsOptional() @IsString() PHOTO_S3_ACCESS_KEY_ID?: string;
  @IsOptional() @IsString() PHOTO_S3_SECRET_ACCESS_KEY?: string;
  @IsOptional() @IsIn(['true', 'false']) PHOTO_S3_FORCE_PATH_STYLE?: string;
}

const HINTS: Record<string, string> = {
  DATABASE_URL: 'e.g. postgres://postgres@127.0.0.1:5432/reloop',
  DATABASE_READ_URL: 'a read replica, e.g. postgres://reader@replica.internal:5432/reloop',
  REDIS_URL: 'e.g. redis://127.0.0.1:6379/0',
  JWT_SECRET: 'use at least 32 random characters, e.g. `openssl rand -hex 32`',
  PORT: 'a port number between 0 and 65535',
  RELOOP_MODE: 'one of api, worker, all',
  ADMIN_PASSWORD: 'at least 12 characters',
};

/**
 * Validates the environment into an AppConfig. Throws a ConfigError whose message is one line.
 * `mode` from the command line wins over RELOOP_MODE.
 */
export function loadConfig(env: Record<string, string | undefined>, mode?: string): AppConfig {
  const raw = plainToInstance(EnvironmentVariables, pickKnown(env));
  const errors = validateSync(raw, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const e = errors[0];
    const value = String((env as Record<string, unknown>)[e.property]);
    const shown = /SECRET|PASSWORD|KEY|TOKEN/.test(e.property) ? '(hidden)' : JSON.stringify(value);
    throw new ConfigError(
      `Invalid setting ${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}` +
        (HINTS[e.property] ? ` (${HINTS[e.property]})` : ''),
    );
  }
  if (mode !== undefined && !['api', 'worker', 'all'].includes(mode)) {
    throw new ConfigError(`Unknown mode "${mode}": start with one of api, worker, all, station`);
  }
  const nodeEnv = raw.NODE_ENV ?? 'development';
  const warnings: string[] = [];
  let secret = raw.JWT_SECRET;
  if (!secret) {
    if (nodeEnv === 'production') {
      throw new ConfigError(
        'JWT_SECRET is required in production: set it to at least 32 random characters (e.g. `openssl rand -hex 32`)',
      );
    }
    secret = randomBytes(32).toString('hex');
    warnings.push(
      'JWT_SECRET is not set: generated a random one for this process; tokens will not survive a restart or work across instances',
    );
  }
  if (raw.ADMIN_EMAIL && !raw.ADMIN_PASSWORD) {
    throw new ConfigError('ADMIN_EMAIL is set but ADMIN_PASSWORD is not: set both or neither');
  }
  refuseUnsafeProduction(nodeEnv, raw);
  if ((raw.PAYMENT_PROVIDER ?? 'test-pay') === 'test-pay') {
    warnings.push(
      'PAYMENT_PROVIDER=test-pay: the built-in test payment provider is on; it moves no money (development and demos only)',
    );
  }
  if (raw.ERASURE_STATION === 'simulated') {
    warnings.push(
      'ERASURE_STATION=simulated: the erasure simulator is on; it erases nothing and its certificates are marked SIMULATED (development and demos only)',
    );
  }
  const resolvedMode: RunMode = (mode as RunMode | undefined) ?? raw.RELOOP_MODE ?? 'all';
  if (raw.API_WORKERS !== undefined && raw.API_WORKERS > 1 && resolvedMode !== 'api') {
    warnings.push(
      `API_WORKERS=${raw.API_WORKERS} applies to the api mode only: this ${resolvedMode} process runs alone (start \`api\` and \`worker\` processes to use more cores)`,
    );
  }
  // Five handlers per queue and process by default: with five queues that is 25 jobs at once,
  // which this platform's jobs (mostly database work) turn into throughput without starving
  // the connection pool. Scale out with more worker processes.
  const workerConcurrency = raw.WORKER_CONCURRENCY ?? 5;
  return {
    env: nodeEnv,
    mode: resolvedMode,
    // One API process per core by default, in the api mode only: `all` is the one-machine
    // start and runs its job workers in the same process. Tests run one process.
    apiWorkers:
      resolvedMode !== 'api'
        ? 1
        : (raw.API_WORKERS ?? (nodeEnv === 'test' ? 1 : availableParallelism())),
    host: raw.HOST ?? '0.0.0.0',
    port: raw.PORT ?? 3000,
    databaseUrl: raw.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/reloop',
    databaseReadUrl: raw.DATABASE_READ_URL ?? null,
    redisUrl: raw.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    redisCluster: redisClusterSettings(
      raw.REDIS_CLUSTER_NODES,
      raw.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    ),
    queuePrefix: raw.QUEUE_PREFIX ?? 'reloop',
    jwt: {
      secret,
      issuer: raw.JWT_ISSUER ?? 'reloop',
      audience: raw.JWT_AUDIENCE ?? 'reloop-api',
      ttlSeconds: raw.JWT_TTL_SECONDS ?? 900,
    },
    admin: { email: raw.ADMIN_EMAIL, password: raw.ADMIN_PASSWORD },
    corsOrigins: (raw.CORS_ORIGINS ?? 'http://localhost:3000,http://127.0.0.1:3000')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    rateLimit: {
      perMinute: raw.RATE_LIMIT_PER_MINUTE ?? 600,
      loginPerMinute: raw.LOGIN_RATE_LIMIT_PER_MINUTE ?? 10,
      loginPerAccountPerMinute: raw.LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE ?? 5,
    },
    trustProxy: parseTrustProxy(raw.TRUST_PROXY),
    sessions: { refreshTtlSeconds: raw.REFRESH_TOKEN_TTL_SECONDS ?? 12 * 3600 },
    logLevel: raw.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    logFile: raw.LOG_FILE ?? null,
    logFormat: raw.LOG_FORMAT ?? 'auto',
    outbox: {
      pollMs: raw.OUTBOX_POLL_MS ?? 1000,
      batchSize: raw.OUTBOX_BATCH_SIZE ?? 200,
      reconcileMs: raw.RECONCILE_INTERVAL_MS ?? 30_000,
      staleAfterMs: raw.RECONCILE_STALE_AFTER_MS ?? 60_000,
    },
    credentials: { checkpointEveryMs: raw.HISTORY_CHECKPOINT_INTERVAL_MS ?? 10 * 60_000 },
    workerConcurrency,
    databasePoolSize: raw.DATABASE_POOL_SIZE ?? null,
    erasure: {
      signingKeyPem: erasureSigningKey(raw.ERASURE_SIGNING_KEY, warnings),
      policy: (raw.ERASURE_POLICY ?? 'auto') as AppConfig['erasure']['policy'],
      station: (raw.ERASURE_STATION ?? 'external') as AppConfig['erasure']['station'],
      simulator: {
        seed: raw.ERASURE_SIM_SEED ?? null,
        failureRate: raw.ERASURE_SIM_FAILURE_RATE ?? 0.03,
        verificationFailureRate: raw.ERASURE_SIM_VERIFICATION_FAILURE_RATE ?? 0.01,
      },
      retryBaseDelayMs: raw.ERASURE_RETRY_BASE_DELAY_MS ?? 5 * 60_000,
      certificateFont: certificateFont(raw.CERTIFICATE_FONT, nodeEnv, warnings),
    },
    publicBaseUrl: (raw.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, ''),
    webhooks: { allowPrivate: raw.WEBHOOKS_ALLOW_PRIVATE === 'true' },
    acquisition: {
      quoteValidityDays: raw.TRADE_IN_QUOTE_VALIDITY_DAYS ?? 7,
      offerValidityDays: raw.TRADE_IN_OFFER_VALIDITY_DAYS ?? 7,
      offerTolerance: raw.TRADE_IN_OFFER_TOLERANCE ?? 0.05,
      maxCutShare: raw.TRADE_IN_MAX_CUT_SHARE ?? 0.3,
      marginShare: raw.TRADE_IN_MARGIN_SHARE ?? 0.12,
    },
    valuation: { refitCron: raw.VALUATION_REFIT_CRON ?? '0 3 * * *' },
    resale: {
      reservationMinutes: raw.RESALE_RESERVATION_MINUTES ?? 15,
      returnWindowDays: raw.RESALE_RETURN_WINDOW_DAYS ?? 7,
      // Unpaid checkouts one buyer may hold at once (issue 18): nobody reserves the whole market.
      maxOpenReservations: raw.RESALE_MAX_OPEN_RESERVATIONS ?? 3,
    },
    payments: {
      provider: raw.PAYMENT_PROVIDER ?? 'test-pay',
      wechatpay: raw.PAYMENT_PROVIDER === 'wechatpay' ? weChatPayConfig(raw) : null,
      // WeChat Pay makes yesterday's bill from 9:00 and advises fetching it after 10:00.
      reconciliationCron: raw.RECONCILIATION_CRON ?? '30 10 * * *',
    },
    // Off under test by default: test processes run side by side and would fight for the port.
    metrics: {
      port: raw.METRICS_PORT ?? (nodeEnv === 'test' ? 0 : 9464),
      host: raw.METRICS_HOST ?? '127.0.0.1',
    },
    notifications: notificationSettings(raw, nodeEnv, warnings),
    retention: {
      cron: raw.RETENTION_CRON ?? '30 4 * * *',
      outboxCompletedDays: raw.RETENTION_OUTBOX_DAYS ?? 7,
      outboxFailedDays: raw.RETENTION_OUTBOX_FAILED_DAYS ?? 90,
      // Keys answer retries of one request: a day covers any client's retry policy.
      idempotencyKeyHours: raw.RETENTION_IDEMPOTENCY_HOURS ?? 24,
      webhookDeliveredDays: raw.RETENTION_WEBHOOK_DAYS ?? 30,
      // What an owner was told stays answerable by support for half a year.
      notificationDays: raw.RETENTION_NOTIFICATION_DAYS ?? 180,
      failedJobDays: raw.RETENTION_FAILED_JOB_DAYS ?? 30,
    },
    photos: photoSettings(raw, nodeEnv),
    warnings,
  };
}

/**
 * PHOTO_STORE / PHOTO_DIR / PHOTO_MAX_BYTES / PHOTO_S3_*: the local folder by default (under
 * the system's temporary folder for tests), an S3-compatible bucket when PHOTO_STORE=s3.
 */
function photoSettings(raw: EnvironmentVariables, nodeEnv: NodeEnv): AppConfig['photos'] {
  const store = raw.PHOTO_STORE ?? 'local';
  const dir = resolve(
    raw.PHOTO_DIR ?? (nodeEnv === 'test' ? join(tmpdir(), 'reloop-photos') : 'var/photos'),
  );
  let s3: PhotoS3Config | null = null;
  if (store === 's3') {
    const missing = (
      ['PHOTO_S3_BUCKET', 'PHOTO_S3_ACCESS_KEY_ID', 'PHOTO_S3_SECRET_ACCESS_KEY'] as const
    ).filter((k) => !raw[k]);
    if (missing.length) {
      throw new ConfigError(
        `PHOTO_STORE=s3 needs ${missing.join(', ')} (and PHOTO_S3_ENDPOINT for a store other than AWS, e.g. https://oss-cn-shanghai.aliyuncs.com)`,
      );
    }
    s3 = {
      endpoint: raw.PHOTO_S3_ENDPOINT ?? null,
      region: raw.PHOTO_S3_REGION ?? 'us-east-1',
      bucket: raw.PHOTO_S3_BUCKET!,
      accessKeyId: raw.PHOTO_S3_ACCESS_KEY_ID!,
      secretAccessKey: raw.PHOTO_S3_SECRET_ACCESS_KEY!,
      forcePathStyle: (raw.PHOTO_S3_FORCE_PATH_STYLE ?? 'true') === 'true',
    };
  }
  return {
    store,
    dir,
    maxBytes: raw.PHOTO_MAX_BYTES ?? 10 * 1024 * 1024,
    unattachedDays: raw.PHOTO_UNATTACHED_DAYS ?? 7,
    s3,
  };
}

/**
 * NOTIFY_CHANNEL / SMTP_URL / SMTP_FROM / SMS_GATEWAY_URL / SMS_GATEWAY_TOKEN: e-mail when an SMTP
 * server is set, text messages when an SMS gateway is, else a record.
 */
function notificationSettings(
  raw: EnvironmentVariables,
  nodeEnv: NodeEnv,
  warnings: string[],
): AppConfig['notifications'] {
  const channel =
    raw.NOTIFY_CHANNEL ?? (raw.SMTP_URL ? 'smtp' : raw.SMS_GATEWAY_URL ? 'sms' : 'database');
  if (channel === 'smtp' && !raw.SMTP_URL) {
    throw new ConfigError(
      'NOTIFY_CHANNEL=smtp needs SMTP_URL, e.g. smtps://user:password@smtp.example.com:465',
    );
  }
  if (channel === 'sms' && (!raw.SMS_GATEWAY_URL || !raw.SMS_GATEWAY_TOKEN)) {
    throw new ConfigError(
      'NOTIFY_CHANNEL=sms needs SMS_GATEWAY_URL (e.g. https://sms.example.com/send) and SMS_GATEWAY_TOKEN (at least 16 characters)',
    );
  }
  if (channel === 'sms' && nodeEnv === 'production' && !raw.SMS_GATEWAY_URL!.startsWith('https:')) {
    throw new ConfigError('SMS_GATEWAY_URL must be https in production (codes travel in it)');
  }
  if (channel === 'database' && nodeEnv !== 'test') {
    warnings.push(
      'Owner notifications are recorded in owner_notifications but not sent: set SMTP_URL (and SMTP_FROM) to e-mail them',
    );
  }
  return {
    channel,
    smtpUrl: raw.SMTP_URL ?? null,
    from: raw.SMTP_FROM ?? 'Reloop <no-reply@reloop.local>',
    sms: channel === 'sms' ? { url: raw.SMS_GATEWAY_URL!, token: raw.SMS_GATEWAY_TOKEN! } : null,
  };
}

/**
 * REDIS_CLUSTER_NODES: a comma-separated list of `host:port` (`[v6]:port` for IPv6) of some
 * nodes of a Redis Cluster; the client discovers the others. REDIS_URL still gives the user,
 * password and TLS (`rediss:`) for every node; its host and database are not used (a cluster
 * has database 0 only).
 */
export function redisClusterSettings(
  value: string | undefined,
  redisUrl: string,
): RedisClusterConfig | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  const nodes = text.split(',').map((entry) => {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry.trim());
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65535) {
      throw new ConfigError(
        `Invalid setting REDIS_CLUSTER_NODES=${JSON.stringify(text)}: ${JSON.stringify(entry.trim())} is not host:port (e.g. REDIS_CLUSTER_NODES=10.0.0.1:6379,10.0.0.2:6379,10.0.0.3:6379)`,
      );
    }
    return { host: m[1] ?? m[2], port };
  });
  const url = new URL(redisUrl);
  return {
    nodes,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    tls: url.protocol === 'rediss:',
  };
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: unset, `false` or `off` → trust no proxy; otherwise a comma-separated list of
 * addresses, CIDRs (`10.0.0.0/8`) or the names loopback / linklocal / uniquelocal. `true`
 * (believe anyone's X-Forwarded-For) is refused: it let a client pick its own address.
 */
export function parseTrustProxy(value: string | undefined): false | string[] {
  const text = (value ?? '').trim();
  if (text === '' || /^(false|off|no|0)$/i.test(text)) return false;
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (/^(true|on|yes|\*)$/i.test(entry)) {
      throw new ConfigError(
        `Invalid setting TRUST_PROXY=${JSON.stringify(text)}: trusting every X-Forwarded-For lets any client choose its address; list your proxies' addresses or CIDRs (e.g. 10.0.0.0/8,loopback)`,
      );
    }
    if (PROXY_NAMES.includes(entry)) continue;
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new ConfigError(
        `Invalid setting TRUST_PROXY=${JSON.stringify(text)}: ${JSON.stringify(entry)} is not an address, a CIDR or one of ${PROXY_NAMES.join(', ')} (e.g. TRUST_PROXY=10.0.0.0/8,loopback)`,
      );
    }
  }
  return entries;
}

/**
 * Settings that are fine on a developer's machine but unsafe in production (issue [erasure-real]):
 * the erasure simulator (it erases nothing), a per-process certificate signing key, and a public
 * URL that points at the server itself. One line each, saying what to set.
 */
function refuseUnsafeProduction(nodeEnv: NodeEnv, raw: EnvironmentVariables): void {
  if (nodeEnv !== 'production') return;
  if (raw.ERASURE_STATION === 'simulated') {
    throw new ConfigError(
      'ERASURE_STATION=simulated is refused in production (the simulator erases nothing): set ERASURE_STATION=external and wipe with registered stations',
    );
  }
  if ((raw.PAYMENT_PROVIDER ?? 'test-pay') === 'test-pay') {
    throw new ConfigError(
      'PAYMENT_PROVIDER=test-pay is refused in production (the test payment provider moves no money): set PAYMENT_PROVIDER=wechatpay and its WECHATPAY_* keys (see docs/money.md)',
    );
  }
  if (!raw.ERASURE_SIGNING_KEY) {
    throw new ConfigError(
      'ERASURE_SIGNING_KEY is required in production: set it to an Ed25519 private key in PEM (e.g. `openssl genpkey -algorithm ed25519`)',
    );
  }
  if (isLocalUrl(raw.PUBLIC_BASE_URL ?? 'http://localhost:3000')) {
    throw new ConfigError(
      `PUBLIC_BASE_URL must be the public address of the platform in production, not ${raw.PUBLIC_BASE_URL ?? 'the default http://localhost:3000'}: set PUBLIC_BASE_URL=https://<your domain>`,
    );
  }
}

/** A URL whose host is this machine (localhost, 127.0.0.0/8, ::1, 0.0.0.0). */
export function isLocalUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::1' ||
    host === '0:0:0:0:0:0:0:1' ||
    host === '0.0.0.0' ||
    host === '::'
  );
}

/** What PAYMENT_PROVIDER=wechatpay cannot start without. */
const WECHATPAY_REQUIRED_KEYS = [
  'WECHATPAY_MCH_ID',
  'WECHATPAY_APP_ID',
  'WECHATPAY_MERCHANT_SERIAL',
  'WECHATPAY_PRIVATE_KEY',
  'WECHATPAY_PLATFORM_PUBLIC_KEY',
  'WECHATPAY_PLATFORM_SERIAL',
  'WECHATPAY_APIV3_KEY',
] as const;

/** PAYMENT_PROVIDER=wechatpay: every key present and readable, or one line saying which. */
function weChatPayConfig(raw: EnvironmentVariables): WeChatPayConfig {
  const missing = WECHATPAY_REQUIRED_KEYS.filter((k) => !raw[k]);
  if (missing.length) {
    throw new ConfigError(
      `PAYMENT_PROVIDER=wechatpay needs ${missing.join(', ')} (from the WeChat Pay merchant platform; see docs/money.md)`,
    );
  }
  const privateKeyPem = raw.WECHATPAY_PRIVATE_KEY!.replace(/\\n/g, '\n');
  const platformPublicKeyPem = raw.WECHATPAY_PLATFORM_PUBLIC_KEY!.replace(/\\n/g, '\n');
  try {
    if (createPrivateKey(privateKeyPem).asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw new ConfigError(
      'Invalid setting WECHATPAY_PRIVATE_KEY=(hidden): expected the merchant API private key (RSA, PEM, apiclient_key.pem)',
    );
  }
  try {
    if (createPublicKey(platformPublicKeyPem).asymmetricKeyType !== 'rsa') {
      throw new Error('not RSA');
    }
  } catch {
    throw new ConfigError(
      'Invalid setting WECHATPAY_PLATFORM_PUBLIC_KEY: expected the WeChat Pay platform certificate or public key (RSA, PEM)',
    );
  }
  if (Buffer.byteLength(raw.WECHATPAY_APIV3_KEY!, 'utf8') !== 32) {
    throw new ConfigError(
      'Invalid setting WECHATPAY_APIV3_KEY=(hidden): the APIv3 key is exactly 32 characters',
    );
  }
  const publicBase = (raw.PUBLIC_BASE_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  return {
    mchId: raw.WECHATPAY_MCH_ID!,
    appId: raw.WECHATPAY_APP_ID!,
    merchantSerial: raw.WECHATPAY_MERCHANT_SERIAL!,
    privateKeyPem,
    platformPublicKeyPem,
    platformSerial: raw.WECHATPAY_PLATFORM_SERIAL!,
    apiV3Key: raw.WECHATPAY_APIV3_KEY!,
    baseUrl: (raw.WECHATPAY_BASE_URL ?? 'https://api.mch.weixin.qq.com').replace(/\/+$/, ''),
    notifyUrl: raw.WECHATPAY_NOTIFY_URL ?? `${publicBase}/api/v1/webhooks/inbound/wechatpay`,
    transferSceneId: raw.WECHATPAY_TRANSFER_SCENE_ID ?? '1000',
  };
}

/**
 * The font for Chinese on certificate PDFs: the file CERTIFICATE_FONT names (it must exist), or
 * the first CJK font installed at a known place. None: production refuses to start (its
 * certificates would print a Chinese owner, warehouse or model as '?'); elsewhere a warning.
 */
function certificateFont(
  setting: string | undefined,
  nodeEnv: NodeEnv,
  warnings: string[],
): string | null {
  const path = findCjkFont(setting);
  if (setting && !path) {
    throw new ConfigError(
      `Invalid setting CERTIFICATE_FONT=${JSON.stringify(setting)}: no such file (a .ttf, .otf or .ttc with Chinese glyphs, e.g. /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc from fonts-noto-cjk)`,
    );
  }
  if (!path) {
    if (nodeEnv === 'production') throw new ConfigError(`Refused in production: ${NO_CJK_FONT}`);
    warnings.push(NO_CJK_FONT);
  }
  return path;
}

/** The configured Ed25519 key (`\n` escapes allowed), or a fresh one with a warning. */
function erasureSigningKey(pem: string | undefined, warnings: string[]): string {
  if (!pem) {
    warnings.push(
      'ERASURE_SIGNING_KEY is not set: generated an Ed25519 key for this process; certificates stay verifiable (public keys are stored) but set a fixed key in production',
    );
    return generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
  }
  const text = pem.replace(/\\n/g, '\n');
  let ok: boolean;
  try {
    ok = createPrivateKey(text).asymmetricKeyType === 'ed25519';
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new ConfigError(
      'Invalid setting ERASURE_SIGNING_KEY=(hidden): expected an Ed25519 private key in PEM (e.g. `openssl genpkey -algorithm ed25519`)',
    );
  }
  return text;
}

function pickKnown(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KNOWN_KEYS) {
    const v = env[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

/** Every environment variable the platform reads (.env.example and docker/compose.yml list them). */
export const KNOWN_KEYS = [
  'PHOTO_STORE',
  'PHOTO_UNATTACHED_DAYS',
  'PHOTO_DIR',
  'PHOTO_MAX_BYTES',
  'PHOTO_S3_ENDPOINT',
  'PHOTO_S3_REGION',
  'PHOTO_S3_BUCKET',
  'PHOTO_S3_ACCESS_KEY_ID',
  'PHOTO_S3_SECRET_ACCESS_KEY',
  'PHOTO_S3_FORCE_PATH_STYLE',
  'NODE_ENV',
  'RELOOP_MODE',
  'API_WORKERS',
  'HOST',
  'PORT',
  'METRICS_PORT',
  'METRICS_HOST',
  'NOTIFY_CHANNEL',
  'SMTP_URL',
  'SMTP_FROM',
  'SMS_GATEWAY_URL',
  'SMS_GATEWAY_TOKEN',
  'RETENTION_CRON',
  'RETENTION_OUTBOX_DAYS',
  'RETENTION_OUTBOX_FAILED_DAYS',
  'RETENTION_IDEMPOTENCY_HOURS',
  'RETENTION_WEBHOOK_DAYS',
  'RETENTION_FAILED_JOB_DAYS',
  'RETENTION_NOTIFICATION_DAYS',
  'DATABASE_URL',
  'DATABASE_READ_URL',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'QUEUE_PREFIX',
  'JWT_SECRET',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'JWT_TTL_SECONDS',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'CORS_ORIGINS',
  'RATE_LIMIT_PER_MINUTE',
  'LOGIN_RATE_LIMIT_PER_MINUTE',
  'LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE',
  'TRUST_PROXY',
  'REFRESH_TOKEN_TTL_SECONDS',
  'LOG_FILE',
  'LOG_FORMAT',
  'LOG_LEVEL',
  'OUTBOX_POLL_MS',
  'OUTBOX_BATCH_SIZE',
  'RECONCILE_INTERVAL_MS',
  'RECONCILE_STALE_AFTER_MS',
  'HISTORY_CHECKPOINT_INTERVAL_MS',
  'WORKER_CONCURRENCY',
  'DATABASE_POOL_SIZE',
  'ERASURE_SIGNING_KEY',
  'ERASURE_POLICY',
  'ERASURE_STATION',
  'ERASURE_SIM_SEED',
  'CERTIFICATE_FONT',
  'ERASURE_SIM_FAILURE_RATE',
  'ERASURE_SIM_VERIFICATION_FAILURE_RATE',
  'ERASURE_RETRY_BASE_DELAY_MS',
  'PUBLIC_BASE_URL',
  'WEBHOOKS_ALLOW_PRIVATE',
  'TRADE_IN_QUOTE_VALIDITY_DAYS',
  'TRADE_IN_OFFER_VALIDITY_DAYS',
  'TRADE_IN_OFFER_TOLERANCE',
  'TRADE_IN_MAX_CUT_SHARE',
  'TRADE_IN_MARGIN_SHARE',
  'VALUATION_REFIT_CRON',
  'RESALE_RESERVATION_MINUTES',
  'RESALE_RETURN_WINDOW_DAYS',
  'RESALE_MAX_OPEN_RESERVATIONS',
  'PAYMENT_PROVIDER',
  'RECONCILIATION_CRON',
  ...WECHATPAY_REQUIRED_KEYS,
  'WECHATPAY_BASE_URL',
  'WECHATPAY_NOTIFY_URL',
  'WECHATPAY_TRANSFER_SCENE_ID',
];
