import { useTranslation } from 'react-i18next';
import { api, type Answer, type Row } from '../api/client.js';
import { useLoad } from './hooks.js';

/** A service area's names (GET /service-areas, public). */
export type City = Row<'/service-areas'>;

/** A district of an area (GET /service-areas/:cityCode, public). */
export type District = Answer<'get', '/service-areas/{cityCode}'>['districts'][number];

// The names change rarely and every card on a screen needs them: asked once per page load.
let cities: Promise<City[]> | null = null;
const districts = new Map<string, Promise<District[]>>();

function loadCities(): Promise<City[]> {
  cities ??= api.get('/service-areas').then(
    (p) => p.items,
    (err: unknown) => {
      cities = null;
      throw err;
    },
  );
  return cities;
}

function loadDistricts(cityCode: string): Promise<District[]> {
  let p = districts.get(cityCode);
  if (!p) {
    p = api.get('/service-areas/{cityCode}', { path: { cityCode } }).then(
      (a) => a.districts,
      (err: unknown) => {
        districts.delete(cityCode);
        throw err;
      },
    );
    districts.set(cityCode, p);
  }
  return p;
}

/** The cities we serve, for pickers and for naming a code. */
export function useCities(): City[] | undefined {
  return useLoad(() => loadCities(), []).data;
}

/** The districts of a city ('' gives none). */
export function useDistricts(cityCode: string): District[] | undefined {
  return useLoad(() => (cityCode ? loadDistricts(cityCode) : Promise.resolve([])), [cityCode]).data;
}

/** A name in the reader's language: the Chinese one where there is one, else the English. */
export function localName(
  place: { name?: string; cityName?: string; nameZh?: string | null; cityNameZh?: string | null },
  language: string,
): string {
  const en = place.cityName ?? place.name ?? '';
  const zh = place.cityNameZh ?? place.nameZh ?? null;
  return language === 'en' ? en : (zh ?? en);
}

/**
 * A city and district by name (上海市 徐汇区 / Xuhui, Shanghai) instead of their codes; the code
 * is shown while loading or when the code is not one we know.
 */
export function PlaceName({ cityCode, districtCode }: { cityCode: string; districtCode?: string }) {
  const { t, i18n } = useTranslation();
  const city = useCities()?.find((c) => c.cityCode === cityCode);
  const district = useDistricts(districtCode && city ? cityCode : '')?.find(
    (d) => d.code === districtCode,
  );
  const cityText = city ? localName(city, i18n.language) : cityCode;
  if (!districtCode) return <>{cityText}</>;
  const districtText = district ? localName(district, i18n.language) : districtCode;
  return <>{t('places.cityDistrict', { city: cityText, district: districtText })}</>;
}
