import { Injectable } from '@nestjs/common';
import { DataRepository } from '../../core/data/repository.js';

/** A published signing key as stored, with when the next one began (`until`). */
export interface SigningKeyRow {
  key_id: string;
  public_key_pem: string;
  created_at: Date;
  until: Date | null;
}

/** The platform's signing keys: every public key it ever signed with. */
@Injectable()
export class SigningKeyRepository extends DataRepository {
  /** Records the key (again: nothing changes). */
  async record(keyId: string, publicKeyPem: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO signing_keys (key_id, algorithm, public_key_pem) VALUES ($1, 'Ed25519', $2)
       ON CONFLICT (key_id) DO NOTHING`,
      [keyId, publicKeyPem],
    );
  }

  /** Every key, newest first, each with when the next one began. */
  all(): Promise<SigningKeyRow[]> {
    return this.dataSource.query<SigningKeyRow[]>(
      `SELECT key_id, public_key_pem, created_at,
              lead(created_at) OVER (ORDER BY created_at, key_id) AS until
         FROM signing_keys ORDER BY created_at DESC, key_id DESC`,
    );
  }
}
