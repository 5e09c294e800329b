import { Body, Controller, Get, Header, Post, Put, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { CurrentActor, Roles } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { PageQuery } from '../../core/http/pagination.js';
import { SettlementService } from './settlement.service.js';
import { IdParam } from '../../core/http/route.decorators.js';

export class CommissionRuleDto {
  @ApiProperty({
    description: 'Share of net sales in basis points (1000 = 10 %)',
    minimum: 0,
    maximum: 10000,
  })
  @IsInt()
  @Min(0)
  @Max(10_000)
  percentBp: number;

  @ApiPropertyOptional({
    description: 'Fixed amount per order sold, minor units',
    minimum: 0,
    maximum: 100_000_000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  fixedMinor?: number;
}

export class IssueStatementDto {
  @ApiProperty() @IsUUID() merchantId: string;
  @ApiProperty({ description: 'First day (China time), YYYY-MM-DD', maxLength: 10 })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from: string;
  @ApiProperty({ description: 'Last day, inclusive, YYYY-MM-DD', maxLength: 10 })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to: string;
  @ApiPropertyOptional({ example: 'CNY', maxLength: 3 })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/)
  currency?: string;
}

export class StatementQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() merchantId?: string;
}

@ApiTags('settlements')
@Controller()
export class SettlementController {
  constructor(private readonly settlement: SettlementService) {}

  @Put('merchants/:id/commission-rule')
  @Roles('admin')
  setRule(@CurrentActor() actor: Actor, @IdParam() id: string, @Body() dto: CommissionRuleDto) {
    return this.settlement.setRule(actor, id, dto);
  }

  @Get('merchants/:id/commission-rule')
  @Roles('admin', 'merchant')
  rule(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.settlement.rule(actor, id);
  }

  /** Issues the period's statement: commission posted, the payable paid out by the provider. */
  @Post('settlements')
  @Roles('admin')
  issue(@CurrentActor() actor: Actor, @Body() dto: IssueStatementDto) {
    return this.settlement.issue(actor, dto);
  }

  @Get('settlements')
  @Roles('admin', 'merchant')
  list(@CurrentActor() actor: Actor, @Query() q: StatementQuery) {
    return this.settlement.list(actor, q);
  }

  @Get('settlements/:id')
  @Roles('admin', 'merchant')
  get(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.settlement.get(actor, id);
  }

  @Get('settlements/:id/csv')
  @Roles('admin', 'merchant')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  csv(@CurrentActor() actor: Actor, @IdParam() id: string) {
    return this.settlement.csv(actor, id);
  }
}
