import type { IncomingMessage } from 'node:http';
import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config.js';

export const REDACTED = '[redacted]';

/** Query parameters whose values never reach a log line (tickets, codes, tokens). */
const SECRET_PARAMS = /^(token|ticket|code|access_?token|refresh_?token|password|key)$/i;

/**
 * Every place a secret could sit in a log line: request and response headers (bearer tokens,
 * cookies, Set-Cookie with refresh or dashboard cookies, Idempotency-Key), request bodies if
 * anything logs them (passwords, refresh tokens, reset codes), and such fields at the top of
 * an object logged by hand.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'req.query.token',
  'req.query.ticket',
  'req.query.code',
  ...[
    'password',
    'currentPassword',
    'newPassword',
    'refreshToken',
    'accessToken',
    'token',
    'ticket',
    'code',
    'phoneCode',
    'secret',
  ].flatMap((f) => [`req.body.${f}`, `body.${f}`]),
  'password',
  'refreshToken',
  'accessToken',
  'token',
  'ticket',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.refreshToken',
  '*.accessToken',
  'headers.authorization',
  'headers.cookie',
  'headers["idempotency-key"]',
];

/** A URL with the values of secret query parameters replaced. */
export function scrubUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // keep the raw name
      }
      return eq >= 0 && SECRET_PARAMS.test(decoded) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

const roots = new WeakMap<AppConfig, Logger>();

/**
 * JSON or pretty lines: LOG_FORMAT when set; else pretty only in development, on a terminal,
 * without LOG_FILE — someone trying Reloop out reads it; anything else (a pipe, a container's
 * log driver, a file, production) gets one JSON object per line.
 */
export function logFormat(
  config: Pick<AppConfig, 'env' | 'logFile' | 'logFormat'>,
  isTTY = Boolean(process.stdout.isTTY),
): 'json' | 'pretty' {
  if (config.logFormat !== 'auto') return config.logFormat;
  return config.env === 'development' && !config.logFile && isTTY ? 'pretty' : 'json';
}

/** One short line per entry: time, level, [context], and for requests method, URL, status, time. */
export function prettyStream(dest: number | string = 1): DestinationStream {
  return pretty({
    destination: dest,
    colorize: dest === 1 && Boolean(process.stdout.isTTY),
    sync: false,
    mkdir: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context,req,res,responseTime,reqId',
    messageFormat:
      '{if context}[{context}] {end}{if req.method}{req.method} {req.url} → {res.statusCode} in {responseTime} ms {end}{msg}',
  });
}

/**
 * The process's one pino logger for this configuration: asynchronous writes to standard output
 * (or LOG_FILE), with the redactions above. Nest's logger and the HTTP loggers (Nest routes and
 * routes mounted outside Nest, such as the queue dashboard) all derive from it.
 */
export function rootLogger(config: AppConfig): Logger {
  let logger = roots.get(config);
  if (!logger) {
    logger = pino(
      { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: REDACTED } },
      // Asynchronous writes: a synchronous write per request log line blocked the event loop on
      // a busy pipe (a quarter of the API's CPU time in the benchmark profile). pino flushes
      // what is buffered when the process exits.
      logFormat(config) === 'pretty'
        ? prettyStream(config.logFile ?? 1)
        : pino.destination({ dest: config.logFile ?? 1, sync: false, mkdir: true }),
    );
    roots.set(config, logger);
  }
  return logger;
}

/** pino-http options: request id from X-Request-Id, /health not logged, URLs scrubbed. */
export function httpLogOptions(config: AppConfig): Options {
  return {
    logger: rootLogger(config),
    genReqId: (req: IncomingMessage) => String(req.headers['x-request-id']),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
    serializers: {
      req: (req: { url?: string }) => {
        req.url = scrubUrl(req.url);
        return req;
      },
    },
  };
}
