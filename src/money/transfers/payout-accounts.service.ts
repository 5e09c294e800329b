import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { PayoutAccountRepository } from '../data/payout-account.repository.js';
import { PaymentProviders } from '../providers/payment-providers.js';
import { TransfersService } from './transfers.service.js';

/**
 * Payees' accounts at the active provider (a WeChat openid, an Alipay login): a seller records
 * their own, a merchant its organisation's, an admin anyone's. Payouts held for want of one go
 * ahead once it is recorded.
 */
@Injectable()
export class PayoutAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly providers: PaymentProviders,
    private readonly transfers: TransfersService,
    private readonly accounts: PayoutAccountRepository,
  ) {}

  private party(
    actor: Actor,
    dto: { partyKind?: 'user' | 'organisation'; partyId?: string } = {},
  ): { kind: 'user' | 'organisation'; id: string } {
    if (actor.role === 'admin' && dto.partyKind && dto.partyId) {
      return { kind: dto.partyKind, id: dto.partyId };
    }
    if (dto.partyKind || dto.partyId) {
      throw new BadRequestException({
        message: 'Invalid input: partyKind, partyId',
        fields: [
          { field: 'partyId', errors: ['only an admin names the party, and with partyKind'] },
        ],
      });
    }
    if (actor.role === 'merchant' && actor.organisationId) {
      return { kind: 'organisation', id: actor.organisationId };
    }
    if (actor.role === 'customer' && actor.userId) return { kind: 'user', id: actor.userId };
    throw new BadRequestException('name the party (partyKind and partyId)');
  }

  async set(
    actor: Actor,
    dto: { account: string; name?: string; partyKind?: 'user' | 'organisation'; partyId?: string },
  ) {
    const party = this.party(actor, dto);
    const provider = this.providers.active.name;
    const released = await this.dataSource.transaction(async (m) => {
      await this.accounts.set(m, {
        partyKind: party.kind,
        partyId: party.id,
        provider,
        account: dto.account,
        name: dto.name ?? null,
        updatedBy: actor.userId,
      });
      return this.transfers.releaseWaitingForAccount(m, party);
    });
    return { partyKind: party.kind, partyId: party.id, provider, account: dto.account, released };
  }

  async mine(actor: Actor) {
    const party = this.party(actor);
    // None recorded yet: account and name are null.
    const row = await this.accounts.of(party, this.providers.active.name);
    return {
      partyKind: party.kind,
      partyId: party.id,
      provider: this.providers.active.name,
      account: row?.account ?? null,
      name: row?.name ?? null,
    };
  }
}
