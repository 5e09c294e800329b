import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TransferRow } from './transfers.service.js';

/**
 * What a stage does with its own transfers (registered per source kind in its onModuleInit):
 * `holdReason` is asked before each call to the provider (a frozen payout waits); `settled`
 * runs in the transaction that records the outcome, so the stage's record and the ledger move
 * together.
 */
export interface TransferHook {
  holdReason?(m: EntityManager, t: TransferRow): Promise<string | null>;
  settled?(m: EntityManager, t: TransferRow): Promise<void>;
}

@Injectable()
export class TransferHooks {
  private readonly hooks = new Map<string, TransferHook>();

  register(sourceKind: string, hook: TransferHook): void {
    if (this.hooks.has(sourceKind)) throw new Error(`Transfer hook ${sourceKind} registered twice`);
    this.hooks.set(sourceKind, hook);
  }

  for(sourceKind: string): TransferHook {
    return this.hooks.get(sourceKind) ?? {};
  }
}
