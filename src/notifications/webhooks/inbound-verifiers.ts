import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';

/** A partner event verified by the partner's own scheme (not Reloop's HMAC). */
export interface VerifiedInboundEvent {
  eventId: string;
  type: string;
  data: unknown;
  payload: Record<string, unknown>;
}

/** Throws (401) when the request is not the partner's; never changes anything itself. */
export type InboundVerifier = (
  headers: IncomingHttpHeaders,
  rawBody: Buffer,
) => Promise<VerifiedInboundEvent>;

/**
 * Partners that sign their notifications their own way (a payment provider's platform
 * certificate, an encrypted resource): their module registers a verifier for the provider's
 * name, and `/webhooks/inbound/<provider>` uses it instead of the shared-secret HMAC. The event
 * is then deduplicated and handled exactly like any other inbound event.
 */
@Injectable()
export class InboundWebhookVerifiers {
  private readonly verifiers = new Map<string, InboundVerifier>();

  register(provider: string, verify: InboundVerifier): void {
    this.verifiers.set(provider, verify);
  }

  get(provider: string): InboundVerifier | undefined {
    return this.verifiers.get(provider);
  }
}
