import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { vehicleFactors } from '../valuation/engine/vehicle-factors.js';
import { VehicleFactsService } from './vehicle-facts.service.js';
import { VehicleRepository } from './data/vehicle.repository.js';
import { asDate, MileageHistoryService } from './mileage-history.service.js';
import { VehiclesService } from './vehicles.service.js';

const MS_PER_YEAR = 365.25 * 86_400_000;

/** What a car is worth to us, line by line (the valuation model with the car's own facts). */
@Injectable()
export class VehicleQuotesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly facts: VehicleFactsService,
    private readonly valuation: ValuationService,
    private readonly vehicles: VehicleRepository,
    private readonly history: MileageHistoryService,
    private readonly access: VehiclesService,
  ) {}

  /**
   * A quote for the car: age since first registration, the highest credible mileage, former
   * use, GB/T 30323 level, registration region and comparable sales of the model, each a line;
   * a mileage flag lowers the confidence (never the price by itself).
   */
  async quote(actor: Actor, vin: string, at: Date = new Date()) {
    return this.dataSource.transaction(async (m) => {
      const { items } = await this.access.visible(m, actor, vin);
      const assessment = await this.history.refresh(m, vin);
      const vehicle = await this.vehicles.byVinOrFail(m, vin);
      const item = items[items.length - 1];
      if (!item?.product_model_id && !item?.category_id) {
        throw new ConflictException(`VIN ${vin} has no item with a model or category to price`);
      }
      const condition = await this.facts.latestCondition(vin, m);
      const registered = vehicle.firstRegisteredOn ? asDate(vehicle.firstRegisteredOn) : null;
      const ageYears = registered
        ? Math.max(0, (at.getTime() - registered.getTime()) / MS_PER_YEAR)
        : undefined;
      const factors = vehicleFactors({
        ageYears:
          ageYears ??
          (vehicle.modelYear ? Math.max(0, at.getUTCFullYear() - vehicle.modelYear) : 0),
        km: assessment.credibleKm,
        use: vehicle.use,
        level: condition?.level ?? null,
        accidentHistory: condition?.accidentHistory ?? null,
        province: vehicle.province,
      });
      const v = await this.valuation.value({
        productModelId: item.product_model_id,
        categoryId: item.category_id,
        grade: condition?.grade ?? item.grade ?? undefined,
        declaredCondition: item.declared_condition,
        ageYears,
        extraFactors: factors,
        confidencePenalty: assessment.confidencePenalty,
        valuationDate: at,
      });
      return {
        vin,
        amountMinor: v.amountMinor,
        lowMinor: v.lowMinor,
        highMinor: v.highMinor,
        currency: v.currency,
        confidence: Math.round(v.confidence * 1000) / 1000,
        lines: v.lines,
        modelVersion: v.modelVersion,
        basis: v.basis,
        facts: {
          ageYears: ageYears === undefined ? null : Math.round(ageYears * 10) / 10,
          credibleKm: assessment.credibleKm,
          mileageStatus: assessment.status,
          level: condition?.level ?? null,
          accidentGrade: condition?.accidentGrade ?? null,
          province: vehicle.province,
          comparablesUsed: v.details.comparablesUsed,
        },
      };
    });
  }
}
