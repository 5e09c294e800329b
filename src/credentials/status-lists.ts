import { Injectable } from '@nestjs/common';
import { createCredential, createList } from '@digitalbazaar/vc-bitstring-status-list';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFound } from '../core/errors.js';
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
    private readonly dataSource: DataSource,
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
    const [{ n }] = await manager.query<Array<{ n: string }>>(
      "SELECT nextval('credential_status_slots') AS n",
    );
    const slot = Number(n);
    const listId = `revocation-${Math.floor(slot / LIST_LENGTH) + 1}`;
    await manager.query(
      `INSERT INTO credential_status_lists (id, purpose, length) VALUES ($1, 'revocation', $2)
       ON CONFLICT (id) DO NOTHING`,
      [listId, LIST_LENGTH],
    );
    return this.entry(listId, slot % LIST_LENGTH);
  }

  /** Marks slots revoked, in the caller's transaction (again: nothing changes). */
  async revoke(
    manager: EntityManager,
    slots: ReadonlyArray<{ listId: string; index: number }>,
  ): Promise<void> {
    if (slots.length === 0) return;
    await manager.query(
      `INSERT INTO credential_status_revocations (list_id, status_index)
       SELECT * FROM unnest($1::text[], $2::int[]) ON CONFLICT DO NOTHING`,
      [slots.map((s) => s.listId), slots.map((s) => s.index)],
    );
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
    const [list] = await this.dataSource.query<Array<{ length: number; purpose: string }>>(
      'SELECT length, purpose FROM credential_status_lists WHERE id = $1',
      [listId],
    );
    if (!list) throw new NotFound('Status list', listId);
    const rows = await this.dataSource.query<Array<{ status_index: number }>>(
      `SELECT status_index FROM credential_status_revocations
        WHERE list_id = $1 ORDER BY status_index`,
      [listId],
    );
    const revoked = rows.map((r) => r.status_index).join(',');
    const cached = this.cache.get(listId);
    if (cached && cached.revoked === revoked) return cached.credential;
    const bits = await createList({ length: list.length });
    for (const r of rows) bits.setStatus(r.status_index, true);
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
