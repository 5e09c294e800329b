import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Roles } from '../../core/http/access.decorators.js';
import { LedgerService } from './ledger.service.js';

export class TrialBalanceQuery {
  @ApiPropertyOptional({ description: 'Only this currency (ISO 4217)', example: 'CNY' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be a three-letter ISO 4217 code' })
  currency?: string;
}

@ApiTags('ledger')
@Controller('ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  /** Every account's debits, credits and balance; per currency the total, which is zero. */
  @Get('trial-balance')
  @Roles('admin')
  trialBalance(@Query() q: TrialBalanceQuery) {
    return this.ledger.trialBalance(q.currency);
  }
}
