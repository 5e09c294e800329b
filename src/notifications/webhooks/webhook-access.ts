import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { WebhookDelivery, WebhookSubscription } from './webhook.entities.js';

/** A subscription is its organisation's to manage; only admins see every one (not support). */
export const WebhookSubscriptionAccess = defineAccessPolicy<WebhookSubscription>({
  name: 'Subscription',
  entity: WebhookSubscription,
  seeAll: (actor) => actor.role === 'admin',
  rules: { any: [{ organisationId: 'organisationId' }] },
});

/** A delivery is seen by whoever sees its subscription (admins all, as for subscriptions). */
export const WebhookDeliveryAccess = defineAccessPolicy<WebhookDelivery>({
  name: 'Delivery',
  entity: WebhookDelivery,
  seeAll: (actor) => actor.role === 'admin',
  rules: { any: [{ follows: { policy: WebhookSubscriptionAccess, by: 'subscriptionId' } }] },
});
