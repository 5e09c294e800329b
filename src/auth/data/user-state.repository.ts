import { Injectable } from '@nestjs/common';
import { DataRepository } from '../../core/data/repository.js';

/** What decides whether a user's tokens still stand, as the users table holds it. */
@Injectable()
export class UserStateRepository extends DataRepository {
  async ofUser(userId: string): Promise<{ tokenVersion: number; disabled: boolean } | null> {
    const rows = await this.dataSource.query<{ token_version: number; disabled: boolean }[]>(
      'SELECT token_version, disabled FROM users WHERE id = $1',
      [userId],
    );
    const row = rows[0];
    return row ? { tokenVersion: row.token_version, disabled: row.disabled } : null;
  }
}
