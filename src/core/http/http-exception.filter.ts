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

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  fields?: Array<{ field: string; errors: string[] }>;
  [extra: string]: unknown;
}

const PG_ERRORS: Record<string, { status: number; message: string }> = {
  '23505': { status: 409, message: 'This already exists' },
  '23503': { status: 409, message: 'A referenced record does not exist or is still in use' },
  '22P02': { status: 400, message: 'A value has the wrong format' },
  '22003': { status: 400, message: 'A number is out of range' },
  '22001': { status: 400, message: 'A value is too long' },
  // A NUL byte or invalid UTF-8 in client text (e.g. a path parameter "%00").
  '22021': { status: 400, message: 'A value contains characters that cannot be stored' },
  '40001': { status: 409, message: 'Concurrent change; retry the request' },
  '40P01': { status: 409, message: 'Concurrent change; retry the request' },
};

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
      message: exception.message,
    };
    if (typeof response === 'object' && response !== null) {
      const { message, ...rest } = response as Record<string, unknown>;
      delete rest.error;
      delete rest.statusCode;
      if (Array.isArray(message)) base.message = message.join('; ');
      else if (typeof message === 'string') base.message = message;
      Object.assign(base, rest);
    }
    return base;
  }
  if (exception instanceof QueryFailedError) {
    const code = (exception.driverError as { code?: string } | undefined)?.code ?? '';
    const known = PG_ERRORS[code];
    if (known) {
      return {
        statusCode: known.status,
        error: known.status === 400 ? 'Bad Request' : 'Conflict',
        message: known.message,
      };
    }
  }
  const fastifyStatus = (exception as { statusCode?: number }).statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return {
      statusCode: fastifyStatus,
      error: HttpStatus[fastifyStatus] ?? 'Bad Request',
      message: (exception as Error).message,
    };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
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
    void reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }
}
