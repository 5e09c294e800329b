import { describe, expect, it } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { toErrorBody } from './http-exception.filter.js';

const pgError = (code: string, message = 'boom') =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));

describe('toErrorBody', () => {
  it('answers 503 while PostgreSQL is down or restarting, so clients retry', () => {
    expect(toErrorBody(pgError('57P01', 'terminating connection')).statusCode).toBe(503);
    expect(
      toErrorBody(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
        .statusCode,
    ).toBe(503);
    expect(toErrorBody(new Error('timeout exceeded when trying to connect')).statusCode).toBe(503);
    expect(toErrorBody(new Error('Connection terminated unexpectedly')).statusCode).toBe(503);
  });

  it('maps client-caused database errors to 4xx and keeps real bugs at 500', () => {
    expect(toErrorBody(pgError('23505')).statusCode).toBe(409);
    expect(toErrorBody(pgError('22P02')).statusCode).toBe(400);
    expect(toErrorBody(new TypeError('x is undefined'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
  });
});
