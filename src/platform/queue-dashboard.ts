import { createHash, randomBytes } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { Controller, HttpCode, Inject, Post, ServiceUnavailableException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pinoHttp } from 'pino-http';
import { DataSource } from 'typeorm';
import { CurrentActor, Roles } from '../core/http/access.decorators.js';
import { readCookie, setCookie } from '../auth/cookies.js';
import { TokenService } from '../auth/token.service.js';
import { UserStateService } from '../auth/user-state.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { Actor } from '../core/actor.js';
import { QueueService } from '../core/jobs/queue.service.js';
import { httpLogOptions } from './logging.js';
import { REDIS } from './redis.provider.js';
import type { RedisClient } from '../core/redis/redis-client.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const BOARD_COOKIE = 'reloop_board';
/** A ticket is good for one use within this many seconds. */
export const BOARD_TICKET_SECONDS = 60;
/** The dashboard cookie lasts this long after its last use. */
export const BOARD_SESSION_SECONDS = 3600;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ticketKey = (config: AppConfig, ticket: string) =>
  `${config.queuePrefix}:auth:board-ticket:${sha256(ticket)}`;
const sessionKey = (config: AppConfig, id: string) =>
  `${config.queuePrefix}:auth:board-session:${sha256(id)}`;

/**
 * A browser cannot send a bearer header on a plain link, and a token in a URL ends up in proxy
 * logs, history and Referer headers. So the console asks for a one-time ticket (an admin's
 * bearer call), opens `/admin/queues?ticket=…`, and the board exchanges the ticket for an
 * httpOnly, SameSite=Strict cookie scoped to the board's path (Secure over https), then
 * redirects to the board without the ticket.
 */
@ApiTags('platform')
@Controller('queue-dashboard')
export class QueueDashboardController {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('tickets')
  @HttpCode(201)
  @Roles('admin')
  async ticket(@CurrentActor() actor: Actor) {
    const ticket = randomBytes(24).toString('base64url');
    try {
      await this.redis.set(
        ticketKey(this.config, ticket),
        actor.userId ?? '',
        'EX',
        BOARD_TICKET_SECONDS,
      );
    } catch {
      throw new ServiceUnavailableException('Redis is unavailable: try again shortly');
    }
    return {
      url: `${QUEUE_DASHBOARD_PATH}?ticket=${ticket}`,
      expiresIn: BOARD_TICKET_SECONDS,
    };
  }
}

/** bull-board at /admin/queues for admins: a bearer header, or the cookie a ticket gave. */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const queues = app.get(QueueService);
  const tokens = app.get(TokenService);
  const userState = app.get(UserStateService);
  const redis = app.get<RedisClient>(REDIS);
  const dataSource = app.get(DataSource);
  const config = app.get<AppConfig>(APP_CONFIG);
  const httpLog = pinoHttp(httpLogOptions(config));
  const serverAdapter = new BoardAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Reloop queues' } },
  });

  /** null: no such user or disabled; false: not an admin; true: may use the board. */
  const isAdmin = async (userId: string): Promise<boolean | null> => {
    const rows = await dataSource.query<{ role: string; disabled: boolean }[]>(
      'SELECT role, disabled FROM users WHERE id = $1',
      [userId],
    );
    const user = rows[0];
    if (!user || user.disabled) return null;
    return user.role === 'admin';
  };

  const refuse = (reply: FastifyReply, status: 401 | 403) =>
    reply.status(status).send(
      status === 401
        ? {
            statusCode: 401,
            error: 'Unauthorized',
            code: 'not_signed_in',
            message: 'Log in as an admin',
          }
        : { statusCode: 403, error: 'Forbidden', code: 'not_allowed', message: 'Admins only' },
    );

  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(
    async (scope) => {
      // Routes mounted outside Nest are logged too, with the same redactions.
      scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        httpLog(req.raw, reply.raw);
      });
      scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        const query = req.query as Record<string, string | undefined>;
        if (typeof query.ticket === 'string') {
          const userId = await redis.getdel(ticketKey(config, query.ticket)).catch(() => null);
          const admin = userId ? await isAdmin(userId) : null;
          if (admin === null) return refuse(reply, 401);
          if (!admin) return refuse(reply, 403);
          const session = randomBytes(24).toString('base64url');
          await redis.set(sessionKey(config, session), userId!, 'EX', BOARD_SESSION_SECONDS);
          setCookie(req, reply, BOARD_COOKIE, session, {
            path: QUEUE_DASHBOARD_PATH,
            maxAge: BOARD_SESSION_SECONDS,
          });
          // Drop the ticket from the address bar (and from what the page's Referer could show).
          return reply.redirect(QUEUE_DASHBOARD_PATH, 303);
        }
        const header = req.headers.authorization;
        const bearer = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
        if (bearer) {
          const verified = tokens.verifyClaims(bearer);
          if (!verified || !(await userState.stillValid(verified))) return refuse(reply, 401);
          if (verified.actor.role !== 'admin') return refuse(reply, 403);
          return;
        }
        const cookie = readCookie(req, BOARD_COOKIE);
        const userId = cookie
          ? await redis
              .getex(sessionKey(config, cookie), 'EX', BOARD_SESSION_SECONDS)
              .catch(() => null)
          : null;
        const admin = userId ? await isAdmin(userId) : null;
        if (admin === null) return refuse(reply, 401);
        if (!admin) return refuse(reply, 403);
      });
      await scope.register(serverAdapter.registerPlugin() as never);
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}
