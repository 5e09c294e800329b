import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ConflictException, ForbiddenException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { NotFound, TransitionConflict } from '../errors.js';
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
      code: 'internal',
      message: 'Internal server error',
    });
  });

  it('gives every error a stable code beside its English message', () => {
    expect(toErrorBody(pgError('23505')).code).toBe('already_exists');
    expect(toErrorBody(pgError('40001')).code).toBe('concurrent_change');
    expect(toErrorBody(pgError('57P01')).code).toBe('unavailable');
    expect(toErrorBody(new NotFound('Item', 'x')).code).toBe('not_found');
    expect(toErrorBody(new BadRequestException('nope')).code).toBe('invalid_input');
    expect(toErrorBody(new ForbiddenException()).code).toBe('not_allowed');
    expect(
      toErrorBody(
        new TransitionConflict('not now', {
          entity: 'Item',
          state: 'SOLD',
          version: 3,
          allowedActions: [],
        }),
      ).code,
    ).toBe('state_conflict');
    // A thrower may name a more precise code; it is kept.
    expect(
      toErrorBody(new ConflictException({ message: 'cap', code: 'reservation_limit' })).code,
    ).toBe('reservation_limit');
  });

  it('answers every 409 in one shape: known keys on top, any other fact under details', () => {
    const keys = (b: object) => Object.keys(b).sort();
    const plain = toErrorBody(new ConflictException('Already re-verified'));
    expect(plain).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'conflict',
      message: 'Already re-verified',
    });
    const transition = toErrorBody(
      new TransitionConflict('not now', {
        entity: 'Item',
        state: 'SOLD',
        version: 3,
        allowedActions: ['return'],
      }),
    );
    expect(keys(transition)).toEqual(
      [
        'allowedActions',
        'code',
        'entity',
        'error',
        'message',
        'state',
        'statusCode',
        'version',
      ].sort(),
    );
    const withFacts = toErrorBody(
      new ConflictException({
        message: 'cap',
        code: 'too_many_reservations',
        openReservations: 3,
        limit: 3,
      }),
    );
    expect(withFacts).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'too_many_reservations',
      message: 'cap',
      details: { openReservations: 3, limit: 3 },
    });
    const reason = toErrorBody(
      new ConflictException({ message: 'full', reason: 'courier-full', details: { a: 1 } }),
    );
    expect(reason.details).toEqual({ a: 1, reason: 'courier-full' });
    expect(reason.code).toBe('conflict');
    const database = toErrorBody(pgError('23505'));
    for (const body of [plain, transition, withFacts, reason, database]) {
      expect(body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(typeof body.code).toBe('string');
      expect(typeof body.message).toBe('string');
    }
  });
});
