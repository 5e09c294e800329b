import type { AppConfig } from '../config/app-config.js';
import { before, deleteInBatches, type PruneTask } from '../core/retention/retention.service.js';

/** Delivered webhooks and their attempt logs; a delivery a kept replay names stays too. */
const PRUNE_DELIVERED_WEBHOOKS = `
  WITH doomed AS (
    SELECT d.id FROM webhook_deliveries d
     WHERE d.status = 'delivered' AND d.delivered_at < $1 AND d.created_at < $1
       AND NOT EXISTS (SELECT 1 FROM webhook_deliveries r WHERE r.replay_of = d.id)
     LIMIT $2),
  attempts AS (
    DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM doomed))
  DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM doomed)`;

/** Finished owner notifications; a pending one is still being sent (and retried). */
const PRUNE_OWNER_NOTIFICATIONS = `
  DELETE FROM owner_notifications WHERE id IN (SELECT id FROM owner_notifications
   WHERE created_at < $1 AND status <> 'pending' LIMIT $2)`;

/**
 * The notifications module's rows for the retention pruning (issue 25, point 5). Pending and
 * failed webhook deliveries stay (a partner may still replay a failed one). A delivery is
 * removed only once no other delivery replays it, so a replay chain goes from its newest end:
 * each round deletes the deliveries nobody names, and the next round those they named.
 */
export function notificationPruneTasks(keep: AppConfig['retention']): PruneTask[] {
  return [
    {
      table: 'webhook_deliveries',
      prune: async ({ now, dataSource }) => {
        let total = 0;
        for (;;) {
          const n = await deleteInBatches(
            dataSource,
            PRUNE_DELIVERED_WEBHOOKS,
            before(now, keep.webhookDeliveredDays),
          );
          total += n;
          if (n === 0) return total;
        }
      },
    },
    {
      table: 'owner_notifications',
      prune: ({ now, dataSource }) =>
        deleteInBatches(dataSource, PRUNE_OWNER_NOTIFICATIONS, before(now, keep.notificationDays)),
    },
  ];
}
