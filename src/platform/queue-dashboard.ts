import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { TokenService } from '../auth/token.service.js';
import { QueueService } from '../core/jobs/queue.service.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues, for admins only. A browser cannot send a bearer header on a
 * plain link, so the console opens it with `?token=<accessToken>`, kept in a cookie scoped to
 * the board's path; the token is checked like any other.
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const queues = app.get(QueueService);
  const tokens = app.get(TokenService);
  const serverAdapter = new BoardAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Reloop queues' } },
  });
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (req: FastifyRequest, reply) => {
        const header = req.headers.authorization;
        const query = req.query as Record<string, string | undefined>;
        const cookie = /(?:^|;\s*)reloop_board=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? query.token ?? cookie;
        const actor = token ? tokens.verify(token) : null;
        if (!actor) {
          return reply
            .status(401)
            .send({ statusCode: 401, error: 'Unauthorized', message: 'Log in as an admin' });
        }
        if (actor.role !== 'admin') {
          return reply
            .status(403)
            .send({ statusCode: 403, error: 'Forbidden', message: 'Admins only' });
        }
        if (query.token) {
          // The board's own assets and API calls carry no token: remember it for this path only.
          void reply.header(
            'set-cookie',
            `reloop_board=${query.token}; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict`,
          );
        }
      });
      await scope.register(serverAdapter.registerPlugin() as never);
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}
