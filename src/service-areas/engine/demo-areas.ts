/**
 * The demo service areas and drop-off stores, read from `config/service-areas.yaml` (issue 20
 * point 4: operator data out of code): 13 Chinese cities with their real districts (GB/T 2260
 * codes) and cut-offs, and the stores. The file is checked against its schema and, here, against
 * the engine's own rules (`validateServiceArea`), with the line of any problem. The demo seed and
 * `npm run config:apply` write them to the service-area tables, which the platform reads.
 */
import { operatorData } from '../../config/operator-data.js';
import {
  defineServiceArea,
  type ServiceArea,
  type ServiceAreaInput,
  validateServiceArea,
  DEFAULT_BOOKING_DAYS_AHEAD,
  DEFAULT_CUTOFF_HOUR,
  DEFAULT_MIN_LEAD_MINUTES,
} from './service-area.js';
import { nearestStore, type DropOffStore } from './stores.js';

export { nearestStore } from './stores.js';
export type { DropOffStore, NearestStore } from './stores.js';

/** A store in the file; `organisation` names the demo organisation that runs it, if any. */
export type ConfiguredStore = DropOffStore & { organisation?: string };

/** `config/service-areas.yaml` as its schema describes it. */
export interface ServiceAreasFile {
  areas: ServiceAreaInput[];
  stores: ConfiguredStore[];
}

const withDefaults = (a: ServiceAreaInput): ServiceArea => ({
  ...a,
  cutoffHour: a.cutoffHour ?? DEFAULT_CUTOFF_HOUR,
  bookingDaysAhead: a.bookingDaysAhead ?? DEFAULT_BOOKING_DAYS_AHEAD,
  minLeadMinutes: a.minLeadMinutes ?? DEFAULT_MIN_LEAD_MINUTES,
});

/** The engine's rules the schema cannot say: valid time zones, windows in order, unique codes. */
function checkServiceAreas(file: ServiceAreasFile) {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const cities = new Map<string, number>();
  const districts = new Map<string, string>();
  file.areas.forEach((area, i) => {
    for (const message of validateServiceArea(withDefaults(area))) {
      problems.push({ path: ['areas', i], message });
    }
    if (cities.has(area.cityCode)) {
      problems.push({
        path: ['areas', i, 'cityCode'],
        message: `${area.cityCode} is listed twice`,
      });
    }
    cities.set(area.cityCode, i);
    area.districts.forEach((d, j) => {
      const other = districts.get(d.code);
      if (other !== undefined && other !== area.cityCode) {
        problems.push({
          path: ['areas', i, 'districts', j, 'code'],
          message: `district ${d.code} is already in area ${other}`,
        });
      }
      districts.set(d.code, area.cityCode);
    });
  });
  const ids = new Set<string>();
  file.stores.forEach((store, i) => {
    if (ids.has(store.id)) problems.push({ path: ['stores', i, 'id'], message: 'is listed twice' });
    ids.add(store.id);
    if (!cities.has(store.cityCode)) {
      problems.push({ path: ['stores', i, 'cityCode'], message: 'is not a service area' });
    } else if (districts.get(store.districtCode) !== store.cityCode) {
      problems.push({
        path: ['stores', i, 'districtCode'],
        message: `is not a district of ${store.cityCode}`,
      });
    }
  });
  return problems;
}

/** The file, checked (a broken one throws ConfigFileError with file, line and field). */
export function serviceAreasFile(): ServiceAreasFile {
  return operatorData<ServiceAreasFile>('service-areas', checkServiceAreas);
}

export const DEMO_CITY = {
  beijing: '110100',
  tianjin: '120100',
  shanghai: '310100',
  nanjing: '320100',
  suzhou: '320500',
  hangzhou: '330100',
  wuhan: '420100',
  guangzhou: '440100',
  shenzhen: '440300',
  chongqing: '500100',
  chengdu: '510100',
  xian: '610100',
  urumqi: '650100',
} as const;

export const DEMO_AREAS: readonly ServiceArea[] = serviceAreasFile().areas.map((a) =>
  defineServiceArea(a),
);

/** Looks a demo area up by city code. */
export function demoArea(cityCode: string): ServiceArea {
  const area = DEMO_AREAS.find((a) => a.cityCode === cityCode);
  if (!area) throw new RangeError(`No demo area ${cityCode}`);
  return area;
}

/**
 * Drop-off stores that no demo organisation runs (the nearest-store suggestion reads these);
 * the ones an organisation runs are in DEMO_LINKED_STORES.
 */
export const DEMO_STORES: readonly DropOffStore[] = serviceAreasFile()
  .stores.filter((s) => s.organisation === undefined)
  .map(({ organisation: _organisation, ...s }) => s);

/** Stores run by a demo organisation (its staff receive the store's parcels). */
export const DEMO_LINKED_STORES: readonly ConfiguredStore[] = serviceAreasFile().stores.filter(
  (s) => s.organisation !== undefined,
);

/** Demo couriers (without assignments) for seeding the dispatch job. */
export const DEMO_COURIERS: readonly {
  id: string;
  name: string;
  areaCodes: readonly string[];
  capacityPerWindow: number;
}[] = [
  { id: 'courier-bj-01', name: '王强', areaCodes: [DEMO_CITY.beijing], capacityPerWindow: 6 },
  { id: 'courier-bj-02', name: '李娜', areaCodes: [DEMO_CITY.beijing], capacityPerWindow: 6 },
  {
    id: 'courier-bj-03',
    name: '赵磊',
    areaCodes: [DEMO_CITY.beijing, DEMO_CITY.tianjin],
    capacityPerWindow: 5,
  },
  { id: 'courier-sh-01', name: '陈静', areaCodes: [DEMO_CITY.shanghai], capacityPerWindow: 6 },
  {
    id: 'courier-sh-02',
    name: '周杰',
    areaCodes: [DEMO_CITY.shanghai, DEMO_CITY.suzhou],
    capacityPerWindow: 5,
  },
  { id: 'courier-gz-01', name: '黄伟', areaCodes: [DEMO_CITY.guangzhou], capacityPerWindow: 6 },
  { id: 'courier-sz-01', name: '林晓', areaCodes: [DEMO_CITY.shenzhen], capacityPerWindow: 6 },
  { id: 'courier-cd-01', name: '张敏', areaCodes: [DEMO_CITY.chengdu], capacityPerWindow: 5 },
  { id: 'courier-hz-01', name: '吴昊', areaCodes: [DEMO_CITY.hangzhou], capacityPerWindow: 5 },
  { id: 'courier-wh-01', name: '刘洋', areaCodes: [DEMO_CITY.wuhan], capacityPerWindow: 5 },
  { id: 'courier-xa-01', name: '杨帆', areaCodes: [DEMO_CITY.xian], capacityPerWindow: 4 },
  { id: 'courier-nj-01', name: '孙悦', areaCodes: [DEMO_CITY.nanjing], capacityPerWindow: 5 },
  { id: 'courier-cq-01', name: '何川', areaCodes: [DEMO_CITY.chongqing], capacityPerWindow: 4 },
  { id: 'courier-tj-01', name: '马超', areaCodes: [DEMO_CITY.tianjin], capacityPerWindow: 4 },
  { id: 'courier-urc-01', name: '艾力', areaCodes: [DEMO_CITY.urumqi], capacityPerWindow: 4 },
];

/** The suggested drop-off store for a city among the demo stores. */
export function nearestDemoStore(cityCode: string): ReturnType<typeof nearestStore> {
  return nearestStore(cityCode, DEMO_STORES);
}
