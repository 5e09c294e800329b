import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { CONFLICT_KEYS } from '../errors.js';
import { clip, MAX_MESSAGE } from './validation.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  /**
   * A stable, machine-readable reason (e.g. `not_found`, `state_conflict`) that clients
   * translate; the message beside it is English prose for people and logs, and may change.
   */
  code: string;
  message: string;
  fields?: Array<{ field: string; errors: string[] }>;
  [extra: string]: unknown;
}

const PG_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  '23505': { status: 409, code: 'already_exists', message: 'This already exists' },
  '23503': {
    status: 409,
    code: 'reference_conflict',
    message: 'A referenced record does not exist or is still in use',
  },
  '22P02': { status: 400, code: 'invalid_input', message: 'A value has the wrong format' },
  '22003': { status: 400, code: 'invalid_input', message: 'A number is out of range' },
  '22001': { status: 400, code: 'invalid_input', message: 'A value is too long' },
  // A NUL byte or invalid UTF-8 in client text (e.g. a path parameter "%00").
  '22021': {
    status: 400,
    code: 'invalid_input',
    message: 'A value contains characters that cannot be stored',
  },
  '40001': {
    status: 409,
    code: 'concurrent_change',
    message: 'Concurrent change; retry the request',
  },
  '40P01': {
    status: 409,
    code: 'concurrent_change',
    message: 'Concurrent change; retry the request',
  },
};

/** The code of an error that names none itself: one per status (spec §5). */
const STATUS_CODES: Record<number, string> = {
  400: 'invalid_input',
  401: 'not_signed_in',
  403: 'not_allowed',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};
const codeFor = (status: number) =>
  STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'request_refused');

/** PostgreSQL down, restarting or out of connections: the client may retry (503, not 500). */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i;

function isDatabaseUnavailable(exception: unknown): boolean {
  const driver = (exception as { driverError?: { code?: string } }).driverError;
  const code = driver?.code ?? (exception as { code?: string }).code ?? '';
  if (UNAVAILABLE_CODES.has(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET') return true;
  return exception instanceof Error && UNAVAILABLE_MESSAGE.test(exception.message);
}

/**
 * Every 409 in one shape (`ConflictBody` in core/errors.ts): the keys it names stay where they
 * are, any other fact a thrower added moves under `details`.
 */
function oneConflictShape(body: ErrorBody): ErrorBody {
  const shaped: ErrorBody = {
    statusCode: body.statusCode,
    error: 'Conflict',
    code: body.code,
    message: '',
  };
  const details: Record<string, unknown> =
    typeof body.details === 'object' && body.details !== null && !Array.isArray(body.details)
      ? { ...(body.details as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'details') continue;
    if (CONFLICT_KEYS.has(key)) shaped[key] = value;
    else details[key] = value;
  }
  shaped.message = clip(shaped.message, MAX_MESSAGE);
  if (Object.keys(details).length > 0) shaped.details = details;
  return shaped;
}

/** Turns any error into the API's error body (spec §5). Client mistakes never become a 500. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const base: ErrorBody = {
      statusCode: status,
      error: HttpStatus[status]
        ? HttpStatus[status]
            .toLowerCase()
            .replace(
              /(^|_)(\w)/g,
              (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase(),
            )
        : 'Error',
      code: codeFor(status),
      message: exception.message,
    };
    if (typeof response === 'object' && response !== null) {
      const { message, ...rest } = response as Record<string, unknown>;
      delete rest.error;
      delete rest.statusCode;
      if (Array.isArray(message)) base.message = message.join('; ');
      else if (typeof message === 'string') base.message = message;
      Object.assign(base, rest);
      // A 409 that names the current state is an action the object's state does not allow.
      if (status === 409 && typeof rest.code !== 'string' && typeof rest.state === 'string') {
        base.code = 'state_conflict';
      }
    }
    if (status === 409) return oneConflictShape(base);
    // The document bounds the message (2000 characters): some echo the client's input.
    base.message = clip(base.message, MAX_MESSAGE);
    return base;
  }
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: string } | undefined)?.code ?? '';
    const known = PG_ERRORS[code];
    if (known) {
      return {
        statusCode: known.status,
        error: known.status === 400 ? 'Bad Request' : 'Conflict',
        code: known.code,
        message: known.message,
      };
    }
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'unavailable',
      message: 'The database is unavailable for a moment; retry the request shortly',
    };
  }
  const fastifyStatus = (exception as { statusCode?: number }).statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return {
      statusCode: fastifyStatus,
      error: HttpStatus[fastifyStatus] ?? 'Bad Request',
      code: codeFor(fastifyStatus),
      message: clip((exception as Error).message, MAX_MESSAGE),
    };
  }
  return {
    statusCode: 500,
    error: 'Internal Server Error',
    code: 'internal',
    message: 'Internal server error',
  };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      );
    }
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // JSON even when the route had set another type (e.g. a PDF download that was not found).
    if (body.statusCode === 503) void reply.header('retry-after', '2');
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }
}
