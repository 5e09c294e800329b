import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface InboundEvent {
  provider: string;
  eventId: string;
  type: string;
  data: unknown;
  payload: Record<string, unknown>;
}

/** Runs inside the transaction that stores the event: it commits (or fails) with it. */
export type InboundHandler = (manager: EntityManager, event: InboundEvent) => Promise<void>;

/**
 * Who applies a partner's webhook: modules register a handler per provider and event type
 * (type '*' for all) in their onModuleInit. A resend of the same event id never reaches them.
 */
@Injectable()
export class InboundWebhookHandlers {
  private readonly handlers = new Map<string, InboundHandler[]>();

  register(provider: string, type: string, handler: InboundHandler): void {
    const key = `${provider} ${type}`;
    this.handlers.set(key, [...(this.handlers.get(key) ?? []), handler]);
  }

  for(provider: string, type: string): InboundHandler[] {
    return [
      ...(this.handlers.get(`${provider} ${type}`) ?? []),
      ...(this.handlers.get(`${provider} *`) ?? []),
    ];
  }
}
