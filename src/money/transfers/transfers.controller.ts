import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { CurrentActor, Roles } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { PageQuery } from '../../core/http/pagination.js';
import { PayoutAccountsService } from './payout-accounts.service.js';
import { type TransferState, TransfersService } from './transfers.service.js';
import { Action, IdParam } from '../../core/http/route.decorators.js';

const STATES: TransferState[] = ['pending', 'held', 'processing', 'succeeded', 'failed'];

export class TransferQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STATES }) @IsOptional() @IsIn(STATES) state?: TransferState;
  @ApiPropertyOptional({ enum: ['refund', 'payout'] })
  @IsOptional()
  @IsIn(['refund', 'payout'])
  kind?: 'refund' | 'payout';
  @ApiPropertyOptional() @IsOptional() @IsUUID() partyId?: string;
}

export class PayoutAccountDto {
  @ApiProperty({
    description:
      "The payee's account at the active provider (WeChat Pay: the openid under the platform's AppID)",
  })
  @IsString()
  @Length(1, 128)
  @Matches(/^[A-Za-z0-9_@.-]+$/, { message: 'account may hold letters, digits and _ @ . - only' })
  account: string;

  @ApiPropertyOptional({ description: 'Real name, which some providers check for large payouts' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  name?: string;

  @ApiPropertyOptional({
    enum: ['user', 'organisation'],
    description: 'Admins only: whose account (default: the caller, or a merchant its organisation)',
  })
  @IsOptional()
  @IsIn(['user', 'organisation'])
  partyKind?: 'user' | 'organisation';

  @ApiPropertyOptional() @IsOptional() @IsUUID() partyId?: string;
}

@ApiTags('money')
@Controller()
export class TransfersController {
  constructor(
    private readonly transfers: TransfersService,
    private readonly accounts: PayoutAccountsService,
  ) {}

  /** Refunds and payouts with their state and the provider's latest answer. */
  @Get('transfers')
  @Roles('admin', 'support')
  list(@Query() q: TransferQuery) {
    return this.transfers.list(q);
  }

  /** One transfer and every answer of the provider. */
  @Get('transfers/:id')
  @Roles('admin', 'support')
  async get(@IdParam() id: string) {
    const t = await this.transfers.get(id);
    return { ...t, attempts: await this.transfers.attempts(id) };
  }

  /** A failed transfer is tried again, under the same provider idempotency key. */
  @Action('transfers/:id/retry', 'admin')
  retry(@IdParam() id: string) {
    return this.transfers.retry(id);
  }

  /** Where the caller (a seller, or a merchant's organisation) is paid at the active provider. */
  @Put('payout-account')
  @Roles('customer', 'merchant', 'admin')
  setPayoutAccount(@CurrentActor() actor: Actor, @Body() dto: PayoutAccountDto) {
    return this.accounts.set(actor, dto);
  }

  @Get('payout-account')
  @Roles('customer', 'merchant')
  getPayoutAccount(@CurrentActor() actor: Actor) {
    return this.accounts.mine(actor);
  }
}
