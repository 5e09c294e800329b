import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound } from '../core/errors.js';
import { checkChain, type StoredEvent } from '../core/history/history.service.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import {
  type Anchor,
  type CheckpointCheck,
  Checkpoints,
  mismatches,
} from './checkpoints.service.js';
import { ItemHistoryRepository } from './data/item-history.repository.js';

/**
 * `/trace/:code/verify`: the item's hash chain recomputed from its rows, its head, and the
 * head's inclusion in a signed checkpoint (the latest that covers it, or the one asked for).
 */
@Injectable()
export class TraceVerification {
  constructor(
    private readonly dataSource: DataSource,
    private readonly checkpoints: Checkpoints,
    private readonly history: ItemHistoryRepository,
  ) {}

  async verify(traceCode: string, checkpoint?: number) {
    const code = normaliseTraceCode(traceCode);
    const item = code ? await this.history.byTraceCode(code) : undefined;
    if (!item) throw new NotFound('Trace code', traceCode);
    const events = await this.history.events(item.id);
    return { traceCode: item.trace_code, ...(await this.report(item, events, { checkpoint })) };
  }

  /**
   * The report on rows already read (the passport reads them anyway), with the checkpoints read
   * from the same `db`: a replica's history checked against the primary's newer checkpoint
   * would look rewritten. `checkpoint`: the one to check against (the latest that covers the
   * item by default); `inclusion`: the item's inclusion in it (or null) when the caller has
   * read it already.
   */
  async report(
    item: { id: string; history_seq: number; history_hash: string },
    events: readonly StoredEvent[],
    opts: { checkpoint?: number; db?: DataSource; anchor?: Anchor } = {},
  ) {
    const { checkpoint, db = this.dataSource } = opts;
    const chain = checkChain(item.id, item, events);
    const { inclusion: found, leaves } =
      opts.anchor ?? (await this.checkpoints.anchor(item.id, checkpoint, db));
    const mismatched = mismatches(leaves, events);
    if (!found && checkpoint !== undefined) {
      throw new BadRequestException(`checkpoint ${checkpoint} does not cover this item`);
    }
    const check: CheckpointCheck | null = found
      ? await this.checkpoints.check(found, events)
      : null;
    const anchored =
      check !== null && check.signatureValid && check.included && check.matchesHistory;
    let reason = chain.reason;
    if (!reason && check && !check.signatureValid) {
      reason = `checkpoint #${check.number} is not signed by a platform key`;
    } else if (!reason && check && !check.included) {
      reason = `the item's head is not in checkpoint #${check.number}'s signed root`;
    } else if (!reason && check && !check.matchesHistory) {
      reason = `the history was rewritten after checkpoint #${check.number}: it no longer holds entry ${check.head.seq} as signed then`;
    } else if (!reason && mismatched.length > 0) {
      reason = `the history no longer matches checkpoint #${mismatched[0]}`;
    }
    const intact = chain.intact && (check === null || anchored) && mismatched.length === 0;
    return {
      intact,
      events: chain.events,
      firstBrokenSeq: chain.firstBrokenSeq,
      reason: intact ? null : reason,
      head: { seq: item.history_seq, hash: item.history_hash },
      chainIntact: chain.intact,
      /** True when a signed checkpoint covers the item and its history still matches it. */
      anchored,
      checkpoint: check,
      mismatchedCheckpoints: mismatched,
    };
  }
}
