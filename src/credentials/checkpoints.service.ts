import { BadRequestException, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { NotFound } from '../core/errors.js';
import type { StoredEvent } from '../core/history/history.service.js';
import {
  buildTree,
  type InclusionProof,
  type Leaf,
  proofOf,
  rootOf,
  siblingPlaces,
  TREE_ALGORITHM,
  verifyInclusion,
} from './merkle.js';
import {
  CheckpointRepository,
  type CheckpointRow,
  type ItemLeaf,
} from './data/checkpoint.repository.js';
import { PlatformSigner } from './platform-signer.js';
import { issuerId, verifyCredentialProof } from './vc.js';

export function checkpointView(r: CheckpointRow) {
  return {
    number: r.number,
    checkpointAt: new Date(r.checkpoint_at),
    itemCount: r.item_count,
    merkleRoot: r.merkle_root,
    treeAlgorithm: TREE_ALGORITHM,
    keyId: r.key_id,
    credential: r.credential,
  };
}

/** An item's leaf in a checkpoint, with the path from it to the checkpoint's root. */
export interface Inclusion {
  checkpoint: CheckpointRow;
  proof: InclusionProof;
}

/** An item in the checkpoints: its inclusion in one (null when none covers it), its every head. */
export interface Anchor {
  inclusion: Inclusion | null;
  leaves: ItemLeaf[];
}

export interface CheckpointCheck {
  number: number;
  checkpointAt: Date;
  url: string;
  /** The checkpoint credential's proof checks with a published platform key. */
  signatureValid: boolean;
  /** The item's head at the checkpoint is in the signed Merkle root. */
  included: boolean;
  /** The item's history still holds that head (nothing before it was rewritten). */
  matchesHistory: boolean;
  head: { seq: number; hash: string };
}

/** Heads in one checkpoint at most: its tree is built in the worker's memory (~0.6 KB a head). */
const MAX_LEAVES = 100_000;

/**
 * History anchored outside the database (issue 24): every checkpoint is a credential signed
 * with the platform key over a Merkle root of the item chain heads changed since the previous
 * checkpoint (which it names). Anyone who keeps a copy of a checkpoint can later check that an
 * item's history still contains the head it had then; a rewrite of the history and the head
 * together (a database superuser) no longer matches.
 */
@Injectable()
export class Checkpoints {
  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: PlatformSigner,
    private readonly checkpoints: CheckpointRepository,
  ) {}

  /** Checkpoint rows by number (see checkpointRow); at most a few MB. */
  private readonly rows = new LRUCache<number, CheckpointRow>({ max: 1000 });

  url(number: number): string {
    return `${this.signer.publicBaseUrl}/api/v1/trace/checkpoints/${number}`;
  }

  /**
   * Signs a checkpoint of the heads that changed since each item's previous checkpoint; null
   * when none did. Checkpoints chain (each names the previous), so an item's latest checkpoint
   * holds its head then, and the work and the leaves stored grow with the changes, not with
   * every item the platform ever saw.
   */
  async sign(
    maxLeaves = MAX_LEAVES,
    after?: string,
  ): Promise<{ number: number; itemCount: number; merkleRoot: string; lastItemId: string } | null> {
    return this.dataSource.transaction(async (m) => {
      await this.checkpoints.lockSigning(m);
      const leaves: Leaf[] = await this.checkpoints.changedHeads(m, maxLeaves, after);
      if (leaves.length === 0) return null;
      const levels = buildTree(leaves);
      const merkleRoot = rootOf(levels);
      const last = await this.checkpoints.last(m);
      const number = (last?.number ?? 0) + 1;
      const at = new Date();
      const credential = await this.signer.issue({
        '@context': this.signer.contexts(),
        id: this.url(number),
        type: ['VerifiableCredential', 'HistoryCheckpoint'],
        name: `Reloop history checkpoint #${number}`,
        validFrom: at.toISOString(),
        credentialSubject: {
          type: 'HistoryCheckpoint',
          checkpointNumber: number,
          checkpointAt: at.toISOString(),
          itemCount: leaves.length,
          merkleRoot,
          treeAlgorithm: TREE_ALGORITHM,
          ...(last ? { previousCheckpoint: this.url(last.number) } : {}),
        },
      });
      await this.checkpoints.insert(
        m,
        {
          number,
          checkpoint_at: at,
          merkle_root: merkleRoot,
          key_id: this.signer.keyId,
          credential,
        },
        leaves,
        levels,
      );
      return { number, itemCount: leaves.length, merkleRoot, lastItemId: leaves.at(-1)!.itemId };
    });
  }

  /**
   * Signs checkpoints until every changed head is in one: after a bulk import each holds at most
   * `maxLeaves` heads (by item id), so the worker's memory stays bounded. Each continues after
   * the previous one's last item, so a bulk of n items is searched once, not n / maxLeaves
   * times from the first item; a head that changes behind it waits for the next run.
   */
  async signAll(maxLeaves = MAX_LEAVES): Promise<number> {
    let signed = 0;
    let after: string | undefined;
    for (;;) {
      const checkpoint = await this.sign(maxLeaves, after);
      if (!checkpoint) return signed;
      signed++;
      if (checkpoint.itemCount < maxLeaves) return signed;
      after = checkpoint.lastItemId;
    }
  }

  /** Newest first, keyset-paginated on the checkpoint number. */
  async list(query: { limit?: number; cursor?: string }) {
    const limit = query.limit ?? 50;
    const before = decodeNumberCursor(query.cursor);
    const rows = await this.checkpoints.page(before, limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      items: page.map(checkpointView),
      nextCursor: more ? encodeNumberCursor(page[page.length - 1].number) : null,
    };
  }

  async get(number: number) {
    return checkpointView(await this.row(number));
  }

  private async row(number: number, db = this.dataSource): Promise<CheckpointRow> {
    const row = await this.checkpointRow(number, db);
    if (!row) throw new NotFound('Checkpoint', String(number));
    return row;
  }

  /**
   * A checkpoint's row, remembered: checkpoints are append-only (a trigger refuses updates and
   * deletes) and a signature check still covers the copy, so every passport read need not fetch
   * and parse the same credential again.
   */
  private async checkpointRow(number: number, db: DataSource): Promise<CheckpointRow | undefined> {
    const known = this.rows.get(number);
    if (known) return known;
    const row = await this.checkpoints.byNumber(number, db);
    if (row) this.rows.set(number, row);
    return row;
  }

  /**
   * The item's place in the checkpoints: its head in each that holds it and the inclusion proof
   * of the latest (or of the newest up to checkpoint `number`, when that one exists). `db`: the
   * connection the item's history was read from (a replica), so that both are one snapshot.
   */
  async anchor(itemId: string, number?: number, db = this.dataSource): Promise<Anchor> {
    const leaves = await this.checkpoints.itemLeaves(itemId, db);
    const asked = number === undefined || (await this.checkpointRow(number, db)) !== undefined;
    const leaf = asked
      ? leaves.findLast((l) => number === undefined || l.checkpoint <= number)
      : undefined;
    const checkpoint = leaf && (await this.checkpointRow(leaf.checkpoint, db));
    if (!leaf || !checkpoint) return { inclusion: null, leaves };
    const places = siblingPlaces(checkpoint.item_count, leaf.position);
    const nodes = await this.checkpoints.nodes(checkpoint.number, places, db);
    // A node deleted from the table (only a superuser can) makes the proof fail, not the read.
    const proof = proofOf(
      { itemId, seq: leaf.seq, hash: leaf.hash },
      leaf.position,
      checkpoint.item_count,
      (level, index) => nodes.get(`${level}:${index}`) ?? Buffer.alloc(32),
    );
    return { inclusion: { checkpoint, proof }, leaves };
  }

  /**
   * Checks an item's inclusion in a checkpoint (from `inclusion()`) against the history rows
   * already read and chain-checked: the checkpoint's signature, the inclusion of the item's head
   * then in its signed root, and that the history still holds that head.
   */
  async check(found: Inclusion, events: readonly StoredEvent[]): Promise<CheckpointCheck> {
    const { checkpoint, proof } = found;
    const subject = (checkpoint.credential.credentialSubject ?? {}) as { merkleRoot?: unknown };
    const [proofCheck, ownIssuer] = await Promise.all([
      verifyCredentialProof(checkpoint.credential),
      this.signer.isPlatformIssuer(issuerId(checkpoint.credential)),
    ]);
    const signatureValid = proofCheck.verified && ownIssuer;
    const signedRoot = typeof subject.merkleRoot === 'string' ? subject.merkleRoot : '';
    const included = verifyInclusion(proof, signedRoot);
    const event = events.find((e) => e.seq === proof.leaf.seq);
    const matchesHistory = event !== undefined && event.hash === proof.leaf.hash;
    return {
      number: checkpoint.number,
      checkpointAt: new Date(checkpoint.checkpoint_at),
      url: this.url(checkpoint.number),
      signatureValid,
      included,
      matchesHistory,
      head: { seq: proof.leaf.seq, hash: proof.leaf.hash },
    };
  }
}

/**
 * The checkpoints whose stored head of the item the history no longer holds (a cheap check of
 * all of them, beside the full proof of one).
 */
export function mismatches(leaves: readonly ItemLeaf[], events: readonly StoredEvent[]): number[] {
  const bySeq = new Map(events.map((e) => [e.seq, e.hash]));
  return leaves.filter((l) => bySeq.get(l.seq) !== l.hash).map((l) => l.checkpoint);
}

export function encodeNumberCursor(n: number): string {
  return Buffer.from(JSON.stringify([n])).toString('base64url');
}

export function decodeNumberCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  try {
    const [n] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new Error();
    return n;
  } catch {
    throw new BadRequestException(
      'cursor is not valid: pass back nextCursor from the previous page',
    );
  }
}
