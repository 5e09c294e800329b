import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentActor, Roles } from '../core/http/access.decorators.js';
import type { Actor } from '../core/actor.js';
import { RefitValuation } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { GRADES, type Grade } from './engine/types.js';
import { defaultParamSet } from './engine/params.js';
import type { ValuationParamsVersion } from './data/valuation-params.entity.js';
import { ValuationParamsRepository } from './data/valuation-params.repository.js';
import { SalesImportService, type ImportResult } from './sales-import.service.js';
import { ValuationService } from './valuation.service.js';
import { Action } from '../core/http/route.decorators.js';

class EstimateDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() productModelId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() categoryId?: string;
  @ApiPropertyOptional({ enum: GRADES }) @IsOptional() @IsIn(GRADES) grade?: Grade;
  @ApiPropertyOptional({ example: '512GB', description: "One of the product model's variants" })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  variant?: string;
  @ApiPropertyOptional({ description: "The owner's answers, e.g. { condition: 'excellent' }" })
  @IsOptional()
  @IsObject()
  declaredCondition?: Record<string, unknown>;
}

class ImportSalesDto {
  @ApiProperty({
    description:
      'CSV with a header naming its columns: category, model, grade, sold_at, price_minor ' +
      '(required) and variant, currency (CNY), mileage_km, first_registration, region, use, ' +
      "defects (';'-separated failed checks of the category's standard, e.g. " +
      'screen_condition=cracked;battery_health)',
    maxLength: 900_000,
  })
  @IsString()
  @Length(1, 900_000)
  content: string;
}

class RefitRequested {
  @ApiProperty() requested: boolean;
  @ApiProperty() jobId: string;
}

@ApiTags('valuation')
@Controller('valuation')
export class ValuationController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly paramVersions: ValuationParamsRepository,
    private readonly outbox: OutboxService,
    private readonly valuation: ValuationService,
    private readonly salesImport: SalesImportService,
  ) {}

  /**
   * Imports past sales from another channel into the history comparables and refits learn from.
   * All or nothing: any bad row answers 400 with each row's line and field, and nothing is kept;
   * a sale already imported (same content) is not added again.
   */
  @Action('sales/import', 'admin')
  importSales(@Body() dto: ImportSalesDto): Promise<ImportResult> {
    return this.salesImport.import(dto.content);
  }

  /** The active parameter set (with its fit diagnostics and held-out quality) and recent versions. */
  @Get('params')
  @Roles('admin')
  async params() {
    const active = await this.paramVersions.active();
    const recent = await this.paramVersions.recent(20);
    return {
      active: active
        ? versionView(active, true)
        : { version: defaultParamSet().version, params: defaultParamSet(), builtIn: true },
      versions: recent.map((v) => versionView(v, false)),
    };
  }

  /** Asks the workers for a refit now (202); the new version becomes active when it is done. */
  @Post('refit')
  @HttpCode(202)
  @Roles('admin')
  async refit(@CurrentActor() actor: Actor): Promise<RefitRequested> {
    const [jobId] = await this.dataSource.transaction((m) =>
      this.outbox.write(m, [job(RefitValuation, { trigger: 'admin', requestedBy: actor.userId })]),
    );
    return { requested: true, jobId };
  }

  /** A price for a described item, with its breakdown (for operations and customer service). */
  @Action('estimate', 'admin', 'support')
  estimate(@Body() dto: EstimateDto) {
    return this.valuation.value(dto);
  }
}

function versionView(v: ValuationParamsVersion, withParams: boolean) {
  return {
    id: v.id,
    version: v.version,
    active: v.active,
    trigger: v.trigger,
    salesCount: v.salesCount,
    metrics: v.metrics,
    createdAt: v.createdAt,
    ...(withParams ? { params: v.params, diagnostics: v.diagnostics } : {}),
  };
}
