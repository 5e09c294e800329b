import { createHash } from 'node:crypto';
import {
  BadRequestException,
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import type { AuthenticatedRequest } from '../http/access.decorators.js';
import { toErrorBody } from '../http/http-exception.filter.js';
import { execute } from '../sql.js';

interface StoredKey {
  request_hash: string;
  status_code: number | null;
  response: unknown;
}

const WAIT_FOR_FIRST_MS = 10_000;
/** Routes whose answers carry tokens: never stored, so the key does nothing there. */
export const CARRIES_SECRETS =
  /^\/api\/v1\/(auth\/(login|refresh|logout|password-reset)|me\/password)/;

/**
 * `Idempotency-Key` on POST (spec §5). The first request claims the key (a row, committed
 * before the work starts); its response is stored. A retry with the same key and body replays
 * that response; the same key with another body is refused (422); a concurrent duplicate waits
 * for the first to finish and replays it. Keys are scoped to the user and live 24 h.
 * A request that fails with a 5xx, 409 or 429 releases its key, so it may be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly dataSource: DataSource) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || key === undefined) return next.handle();
    // Answers that carry tokens are never stored for replay (a stored copy is a stolen session).
    if (CARRIES_SECRETS.test(req.url)) return next.handle();
    return from(this.handle(context, req, String(key), next));
  }

  private async handle(
    context: ExecutionContext,
    req: AuthenticatedRequest,
    key: string,
    next: CallHandler,
  ): Promise<unknown> {
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new BadRequestException('Idempotency-Key must be 1–255 visible ASCII characters');
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const scope = req.actor?.userId ?? 'anonymous';
    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.url}\n${canonicalize(req.body ?? null) ?? ''}`)
      .digest('hex');

    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claimed = await execute(
        this.dataSource.manager,
        `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,
           status_code = NULL, response = NULL, created_at = now()
           WHERE idempotency_keys.created_at < now() - interval '24 hours'
         RETURNING key`,
        [scope, key, requestHash],
      );
      if (claimed.rows.length === 1) break;
      const rows = await this.dataSource.query<StoredKey[]>(
        'SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2',
        [scope, key],
      );
      const stored = rows[0];
      if (!stored) continue; // released by a failed first attempt: claim it
      if (stored.request_hash !== requestHash) {
        throw new UnprocessableEntityException(
          'This Idempotency-Key was already used with a different request',
        );
      }
      if (stored.status_code !== null) {
        void reply.status(stored.status_code).header('idempotent-replayed', 'true');
        return stored.response;
      }
      if (Date.now() > deadline) {
        throw new ConflictException('A request with this Idempotency-Key is still in progress');
      }
      await new Promise((r) => setTimeout(r, 50));
    }

    try {
      const body: unknown = await lastValueFrom(next.handle(), { defaultValue: null });
      await this.dataSource.query(
        'UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2',
        [scope, key, reply.statusCode, JSON.stringify(body ?? null)],
      );
      return body;
    } catch (err) {
      const status = (err as { getStatus?: () => number }).getStatus?.() ?? 500;
      if (status >= 500 || status === 409 || status === 429) {
        await this.dataSource.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2', [
          scope,
          key,
        ]);
      } else {
        await this.dataSource.query(
          'UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2',
          [scope, key, status, JSON.stringify(toErrorBody(err))],
        );
      }
      throw err;
    }
  }
}
