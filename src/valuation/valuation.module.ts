import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '../catalog/catalog.module.js';
import { RefitValuation } from '../core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { MarketSale } from './data/market-sale.entity.js';
import { MarketSaleRepository } from './data/market-sales.repository.js';
import { ValuationParamsVersion } from './data/valuation-params.entity.js';
import { ValuationParamsRepository } from './data/valuation-params.repository.js';
import { ValuationRefitService } from './valuation-refit.service.js';
import { ValuationController } from './valuation.controller.js';
import { SalesImportService } from './sales-import.service.js';
import { ValuationService } from './valuation.service.js';

/**
 * The price engine (a reference module): sales history, versioned fitted parameters, the
 * valuation of an item, and the periodic refit. Consulted by acquisition, resale and vehicles.
 */
@Module({
  imports: [CatalogModule, TypeOrmModule.forFeature([MarketSale, ValuationParamsVersion])],
  controllers: [ValuationController],
  providers: [
    MarketSaleRepository,
    ValuationParamsRepository,
    ValuationService,
    ValuationRefitService,
    SalesImportService,
  ],
  exports: [ValuationService, ValuationRefitService],
})
export class ValuationModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobHandlerRegistry,
    private readonly refit: ValuationRefitService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(RefitValuation, async (payload) => {
      await this.refit.refit(payload.trigger);
    });
  }
}
