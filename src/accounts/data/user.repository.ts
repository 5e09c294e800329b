import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UserRole } from '../../core/actor.js';
import { type Page, type PageQuery, paginate } from '../../core/http/pagination.js';
import { execute } from '../../core/sql.js';
import { DataRepository } from '../../core/data/repository.js';
import { User } from '../user.entity.js';
import { whereEqual } from '../../core/data/list-filters.js';

/** The user row a sign-in name points at (see `accountWhere`). */
export type AccountKey = { loginPhone: string } | { email: string };

/** What a new account is made of (the rest defaults). */
export type NewUser = Pick<
  User,
  | 'email'
  | 'passwordHash'
  | 'role'
  | 'name'
  | 'phone'
  | 'loginPhone'
  | 'organisationId'
  | 'lead'
  | 'phoneVerifiedAt'
>;

/** Users: accounts, their passwords, token versions and the disabled switch. */
@Injectable()
export class UserRepository extends DataRepository {
  existsByEmail(email: string): Promise<boolean> {
    return this.dataSource.getRepository(User).exists({ where: { email } });
  }

  /** The first admin, inserted without a transaction (a concurrent insert fails, not throws here). */
  async insertAdmin(values: Pick<User, 'email' | 'passwordHash' | 'role' | 'name'>) {
    await this.dataSource.getRepository(User).insert(values);
  }

  /** Saves a new account in the caller's transaction. */
  create(manager: EntityManager, values: NewUser): Promise<User> {
    const repo = manager.getRepository(User);
    return repo.save(repo.create(values));
  }

  byAccount(key: AccountKey): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: key });
  }

  /** Only what a password reset needs to know of the account. */
  stateByAccount(key: AccountKey): Promise<{ id: string; disabled: boolean } | null> {
    return this.dataSource.getRepository(User).findOne({
      where: key,
      select: { id: true, disabled: true },
    });
  }

  byId(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: { id } });
  }

  /** The user, locked FOR UPDATE until the caller's transaction ends. */
  readonly lock = this.lockByIdOf(User);

  /** Sets a new password and raises the token version; returns the new version. */
  async setPassword(manager: EntityManager, id: string, passwordHash: string): Promise<number> {
    const { rows } = await execute<{ token_version: number }>(
      manager,
      `UPDATE users SET password_hash = $2, token_version = token_version + 1
          WHERE id = $1 RETURNING token_version`,
      [id, passwordHash],
    );
    return rows[0].token_version;
  }

  /** Sets the disabled switch, raising the token version by `bump`; returns the new version. */
  async setDisabled(
    manager: EntityManager,
    id: string,
    disabled: boolean,
    bump: number,
  ): Promise<number> {
    const { rows } = await execute<{ token_version: number }>(
      manager,
      `UPDATE users SET disabled = $2, token_version = token_version + $3
          WHERE id = $1 RETURNING token_version`,
      [id, disabled, bump],
    );
    return rows[0].token_version;
  }

  /** Every user, newest first, a keyset page at a time. */
  list(filter: { role?: UserRole; organisationId?: string }, page: PageQuery): Promise<Page<User>> {
    const qb = this.dataSource.getRepository(User).createQueryBuilder('u');
    whereEqual(qb, { 'u.role': filter.role, 'u.organisation_id': filter.organisationId });
    return paginate(qb, page);
  }
}
