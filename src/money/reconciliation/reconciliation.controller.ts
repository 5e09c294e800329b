import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CurrentActor, Roles } from '../../core/http/access.decorators.js';
import type { Actor } from '../../core/actor.js';
import { PageQuery } from '../../core/http/pagination.js';
import { LINE_STATUSES, type LineStatus, ReconciliationService } from './reconciliation.service.js';
import { ReconciliationRuns } from './reconciliation-runs.service.js';
import { IdParam } from '../../core/http/route.decorators.js';

const PROVIDER = /^[a-z0-9-]{2,40}$/;

export class ReconcileDto {
  @ApiProperty({ description: 'The day of the statement (China time), YYYY-MM-DD', maxLength: 10 })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  day: string;

  @ApiPropertyOptional({
    description: 'Default: the active payment provider',
    example: 'wechatpay',
  })
  @IsOptional()
  @Matches(PROVIDER)
  provider?: string;

  @ApiPropertyOptional({
    description:
      "The statement file as the provider publishes it (WeChat Pay: the day's trade bill, ALL). Absent: fetched from the provider.",
    maxLength: 900_000,
  })
  @IsOptional()
  @IsString()
  @Length(1, 900_000)
  content?: string;
}

export class ReconciliationQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Matches(PROVIDER) provider?: string;
  @ApiPropertyOptional({ description: 'YYYY-MM-DD', maxLength: 10 })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  day?: string;
}

export class ReconciliationLinesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LINE_STATUSES })
  @IsOptional()
  @IsIn(LINE_STATUSES)
  status?: LineStatus;
  @ApiPropertyOptional({ enum: ['payment', 'refund'] })
  @IsOptional()
  @IsIn(['payment', 'refund'])
  kind?: 'payment' | 'refund';
}

@ApiTags('money')
@Controller('reconciliations')
export class ReconciliationController {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly runs: ReconciliationRuns,
  ) {}

  /**
   * Reconciles a day's statement of a payment provider against the ledger: the uploaded file,
   * or else the one fetched from the provider. Every mismatch opens a support case (one per
   * statement line, however often the day is reconciled).
   */
  @Post()
  @Roles('admin')
  reconcile(@CurrentActor() actor: Actor, @Body() dto: ReconcileDto) {
    return this.runs.reconcile({
      provider: dto.provider,
      day: dto.day,
      content: dto.content,
      trigger: 'admin',
      requestedBy: actor.userId,
    });
  }

  /** Reconciliation runs, newest first; `day` gives the day's (the first is the latest). */
  @Get()
  @Roles('admin', 'support')
  list(@Query() q: ReconciliationQuery) {
    return this.reconciliation.list(q);
  }

  @Get(':id')
  @Roles('admin', 'support')
  get(@IdParam() id: string) {
    return this.reconciliation.get(id);
  }

  /** The run's report line by line: matched, missing on our side or theirs, amount mismatch. */
  @Get(':id/lines')
  @Roles('admin', 'support')
  lines(@IdParam() id: string, @Query() q: ReconciliationLinesQuery) {
    return this.reconciliation.lines(id, q);
  }
}
