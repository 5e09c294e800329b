import { Injectable } from '@nestjs/common';
import { createCredential, createList } from '@digitalbazaar/vc-bitstring-status-list';
import type { EntityManager } from 'typeorm';
import { NotFound } from '../core/errors.js';
import { StatusListRepository } from './data/status-list.repository.js';
import { PlatformSigner } from './platform-signer.js';
import type { Credential } from './vc.js';

export interface StatusEntry {
  listId: string;
  index: number;
  /** The credentialStatus member of the credential that holds this slot. */
  credentialStatus: {
    id: string;
    type: 'BitstringStatusListEntry';
    statusPurpose: 'revocation';
    statusListIndex: string;
    statusListCredential: string;
  };
}

/** Slots per list (the spec's minimum size); the next list opens when one is full. */
const LIST_LENGTH = 131_072;

/**
 * Revocation anyone can check (W3C Bitstring Status List): each certificate holds one slot of a
 * revocation list; whoever revokes a certificate marks its slot here (`revoke`, in the
 * revocation's transaction), and the list credential is built from the marked slots, so the bit
 * flips in the next answer.
 */
@Injectable()
export class StatusLists {
  private readonly cache = new Map<string, { revoked: string; credential: Credential }>();

  constructor(
    private readonly lists: StatusListRepository,
    private readonly signer: PlatformSigner,
  ) {}

  url(listId: string): string {
    return `${this.signer.publicBaseUrl}/api/v1/credentials/status/${listId}`;
  }

  /**
   * Takes the next slot (a sequence: no lock held while the caller's transaction goes on; a slot
   * of a transaction that rolls back stays unused). Opens the slot's list when it is the first.
   */
  async allocate(manager: EntityManager): Promise<StatusEntry> {
    const slot = await this.lists.nextSlot(manager);
    const listId = `revocation-${Math.floor(slot / LIST_LENGTH) + 1}`;
    await this.lists.open(manager, listId, LIST_LENGTH);
    return this.entry(listId, slot % LIST_LENGTH);
  }

  /** Marks slots revoked, in the caller's transaction (again: nothing changes). */
  async revoke(
    manager: EntityManager,
    slots: ReadonlyArray<{ listId: string; index: number }>,
  ): Promise<void> {
    if (slots.length === 0) return;
    await this.lists.revoke(manager, slots);
  }

  entry(listId: string, index: number): StatusEntry {
    const url = this.url(listId);
    return {
      listId,
      index,
      credentialStatus: {
        id: `${url}#${index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: String(index),
        statusListCredential: url,
      },
    };
  }

  /** The signed BitstringStatusListCredential (re-signed only when a revocation changed it). */
  async credential(listId: string): Promise<Credential> {
    const list = await this.lists.list(listId);
    if (!list) throw new NotFound('Status list', listId);
    const indexes = await this.lists.revoked(listId);
    const revoked = indexes.join(',');
    const cached = this.cache.get(listId);
    if (cached && cached.revoked === revoked) return cached.credential;
    const bits = await createList({ length: list.length });
    for (const index of indexes) bits.setStatus(index, true);
    const unsigned = await createCredential({
      id: this.url(listId),
      list: bits,
      statusPurpose: list.purpose,
    });
    const credential = await this.signer.issue({
      ...unsigned,
      validFrom: new Date().toISOString(),
    });
    this.cache.set(listId, { revoked, credential });
    return credential;
  }
}
