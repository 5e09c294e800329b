import { SYSTEM_ACTOR } from '../core/actor.js';
import { ItemsService } from '../core/items/items.service.js';
import type { SeedStep } from '../seed/seed-context.js';
import type { MileageSource, VehicleUse } from './domain/mileage.js';
import { computeCheckDigit, decodeVin, parsePlate } from './domain/vin.js';
import { VehicleRepository } from './data/vehicle.repository.js';
import { MileageHistoryService } from './mileage-history.service.js';

/** A 17-character VIN body with the check digit put at position 9. */
function vin(body: string): string {
  const draft = `${body.slice(0, 8)}0${body.slice(9)}`;
  return `${draft.slice(0, 8)}${computeCheckDigit(draft)}${draft.slice(9)}`;
}

interface DemoCar {
  vin: string;
  model: string;
  plate: string;
  firstRegisteredOn: string;
  use: VehicleUse;
  /** [km, date, source, reference] */
  readings: Array<[number, string, MileageSource, string]>;
  note: string;
}

/**
 * Reference cars on the demo catalog's vehicle models (Camry, Accord, Magotan, RAV4, Model 3,
 * Han, Qin PLUS...), with mileage histories: most rise steadily; three are rolled back against
 * dealer service records or an earlier listing, and one "taxi" shows implausibly few km.
 */
const CARS: DemoCar[] = [
  {
    vin: vin('LVGBE40K0LG123401'),
    model: 'toyota-camry-2020-2-5g',
    plate: '沪A3K821',
    firstRegisteredOn: '2020-01-15',
    use: 'private',
    readings: [
      [9_800, '2021-01-20', 'dealer-maintenance', 'GAC Toyota Shanghai Pudong 4S / WO-210120-17'],
      [21_400, '2022-01-18', 'dealer-maintenance', 'GAC Toyota Shanghai Pudong 4S / WO-220118-09'],
      [33_900, '2023-02-02', 'dealer-maintenance', 'GAC Toyota Shanghai Pudong 4S / WO-230202-31'],
      [46_200, '2024-03-10', 'owner-declaration', 'demo'],
    ],
    note: 'clean history',
  },
  {
    vin: vin('LHGCV1650N8123402'),
    model: 'honda-accord-2022-260turbo',
    plate: '沪B7M230',
    firstRegisteredOn: '2022-04-02',
    use: 'private',
    readings: [
      [14_800, '2023-04-11', 'dealer-maintenance', 'Dongfeng Honda Minhang 4S / WO-230411-02'],
      [31_500, '2024-04-09', 'dealer-maintenance', 'Dongfeng Honda Minhang 4S / WO-240409-11'],
      [12_900, '2024-09-01', 'owner-declaration', 'demo'],
    ],
    note: 'rolled back: 31 500 km at the dealer, 12 900 km declared five months later',
  },
  {
    vin: vin('LFV3A23C5M3123403'),
    model: 'vw-magotan-2021-330tsi',
    plate: '苏E9Q115',
    firstRegisteredOn: '2021-03-20',
    use: 'ride-hailing',
    readings: [
      [71_000, '2022-03-25', 'dealer-maintenance', 'FAW-VW Suzhou 4S / WO-220325-44'],
      [148_000, '2023-03-30', 'dealer-maintenance', 'FAW-VW Suzhou 4S / WO-230330-08'],
      [89_000, '2024-02-14', 'listing', 'earlier listing on another platform'],
    ],
    note: 'ride-hailing car rolled back before an earlier listing',
  },
  {
    vin: vin('LRWYGCEE9PC123404'),
    model: 'tesla-model-3-2023-rwd',
    plate: '沪AD72931',
    firstRegisteredOn: '2023-10-08',
    use: 'private',
    readings: [
      [16_300, '2024-10-12', 'dealer-maintenance', 'Tesla Service Center Jinqiao / SR-88213'],
    ],
    note: 'clean, one service visit',
  },
  {
    vin: vin('LGXCE4CB6L0123405'),
    model: 'byd-han-ev-2020',
    plate: '粤BD61208',
    firstRegisteredOn: '2020-08-01',
    use: 'taxi',
    readings: [
      [18_000, '2023-09-01', 'owner-declaration', 'demo'],
      [21_000, '2024-05-01', 'listing', 'earlier listing'],
    ],
    note: 'a taxi with 21 000 km in four years: implausibly low',
  },
  {
    vin: vin('LC0C76C42M0123406'),
    model: 'byd-qin-plus-dm-i-2021',
    plate: '浙A5C7D9',
    firstRegisteredOn: '2021-06-30',
    use: 'private',
    readings: [
      [24_000, '2022-07-02', 'dealer-maintenance', 'BYD Hangzhou Xihu / WO-2207-551'],
      [52_700, '2023-07-05', 'dealer-maintenance', 'BYD Hangzhou Xihu / WO-2307-118'],
      [30_100, '2024-06-20', 'owner-declaration', 'demo'],
    ],
    note: 'rolled back by about 23 000 km',
  },
  {
    vin: vin('LVHRW5840M5123407'),
    model: 'honda-cr-v-2021-240turbo',
    plate: '京N8K270',
    firstRegisteredOn: '2021-05-12',
    use: 'private',
    readings: [
      [12_000, '2022-05-20', 'dealer-maintenance', 'Dongfeng Honda Beijing Yizhuang / WO-2205-07'],
      [25_500, '2023-06-01', 'dealer-maintenance', 'Dongfeng Honda Beijing Yizhuang / WO-2306-02'],
    ],
    note: 'clean history',
  },
];

export const vehiclesSeed: SeedStep = {
  name: 'reference vehicles and mileage histories',
  async run(ctx) {
    const owner = ctx.users.customer?.id ?? null;
    const warehouse = ctx.organisations['warehouse-shanghai'] ?? null;
    const repository = ctx.app.get(VehicleRepository);
    const models = new Map((await repository.seedModels()).map((r) => [r.code, r]));
    const items = ctx.app.get(ItemsService);
    const vehicles = ctx.app.get(MileageHistoryService);
    let flagged = 0;
    for (const car of CARS) {
      const model = models.get(car.model);
      if (!model) continue;
      await ctx.dataSource.transaction(async (m) => {
        if (!(await repository.hasItemWithVin(m, car.vin))) {
          await items.register(
            m,
            SYSTEM_ACTOR,
            {
              categoryId: model.category_id,
              productModelId: model.id,
              vin: car.vin,
              declaredCondition: { condition: 'good', notes: car.note },
              ownerId: owner,
              custodian: { kind: 'warehouse', id: warehouse },
              // A connected car's head unit holds the owner's account: wiped like any device.
              erasureStatus: model.requires_erasure ? 'pending' : 'not_required',
              state: 'RECEIVED',
            },
            { data: { seed: 'vehicles' } },
          );
        }
        const v = await vehicles.ensure(m, car.vin);
        const plate = parsePlate(car.plate);
        const year = decodeVin(car.vin, {
          registeredOn: new Date(car.firstRegisteredOn),
        }).modelYear;
        await repository.update(m, v.id, {
          plate: plate.plate,
          province: plate.province,
          registrationCityCode: plate.cityCode,
          registrationCityName: plate.cityName,
          firstRegisteredOn: car.firstRegisteredOn,
          use: car.use,
          modelYear: year.year,
          modelYearResolvedBy: year.resolvedBy,
        });
        await vehicles.insertReadings(
          m,
          car.vin,
          car.readings.map(([km, on, source, ref]) => ({
            km,
            readOn: on,
            source,
            sourceRef: ref,
            dedupeKey: `seed:${source}:${on}:${km}`,
            itemId: null,
            recordedBy: null,
          })),
        );
        const assessment = await vehicles.refresh(m, car.vin);
        if (assessment.flagged) flagged++;
      });
    }
    ctx.log(`vehicles: ${CARS.length} reference cars, ${flagged} with a flagged mileage history`);
  },
};
