import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { formatDay } from '../../api/types.js';
import { localName } from '../../ui/places.js';
import { Table } from '../../ui/table.js';

export function ServiceAreasScreen() {
  const { t, i18n } = useTranslation();
  const list = useLoad((signal) => api.get('/service-areas', { signal }), []);
  const [city, setCity] = useState<string | null>(null);
  const detail = useLoad(
    (signal) =>
      city
        ? api.get('/service-areas/{cityCode}', { path: { cityCode: city }, signal })
        : Promise.resolve(null),
    [city],
  );
  const area = detail.data;
  return (
    <section>
      <h1>{t('areas.title')}</h1>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('screens.serviceAreas')}
          rows={list.data?.items ?? []}
          rowKey={(a) => a.cityCode}
          columns={[
            {
              header: t('places.city'),
              cell: (a) => (
                <button type="button" className="link" onClick={() => setCity(a.cityCode)}>
                  {a.cityName} {a.cityNameZh}
                </button>
              ),
            },
            { header: t('catalog.code'), cell: (a) => a.cityCode },
            {
              header: t('areas.sameDay'),
              cell: (a) =>
                a.sameDay ? t('areas.sameDayUntil', { hour: a.cutoffHour }) : t('common.no'),
            },
            { header: t('areas.windows'), cell: (a) => a.windows.length, className: 'num' },
            {
              header: t('areas.capacity'),
              cell: (a) => a.windows.reduce((n, w) => n + (w.capacity ?? 0), 0),
              className: 'num',
            },
            {
              header: t('areas.active'),
              cell: (a) => (a.active === false ? t('areas.off') : t('areas.on')),
            },
          ]}
        />
      )}
      {city && (
        <div className="card">
          <ErrorNotice error={detail.error} onRetry={detail.reload} />
          {detail.loading && <Loading />}
          {area && (
            <>
              <h2>
                {localName(area, i18n.language)} ({area.timeZone})
              </h2>
              <WindowLoad cityCode={area.cityCode} cityName={localName(area, i18n.language)} />
              <p>
                <b>{t('areas.districts')}</b>{' '}
                {(area.districts ?? [])
                  .map((d) => localName(d, i18n.language))
                  .join(t('list.separator')) || t('areas.noDistricts')}
              </p>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** Pickups booked per window on a day, against each window's capacity. */
function WindowLoad({ cityCode, cityName }: { cityCode: string; cityName: string }) {
  const { t } = useTranslation();
  const [date, setDate] = useState('');
  const load = useLoad(
    (signal) => api.get('/pickups/load', { query: { cityCode, date: date || undefined }, signal }),
    [cityCode, date],
  );
  const l = load.data;
  return (
    <div>
      <label className="inline">
        {t('common.day')}{' '}
        <input
          type="date"
          value={date || l?.date || ''}
          onChange={(e) => setDate(e.target.value)}
        />
      </label>
      <ErrorNotice error={load.error} onRetry={load.reload} />
      {load.loading && !l && <Loading what={t('areas.counting')} />}
      {l && (
        <>
          <BarPanel
            title={t('areas.loadTitle', { city: cityName, day: formatDay(l.date) })}
            labels={l.windows.map((w) => `${w.start}–${w.end}`)}
            series={[
              {
                label: t('areas.booked'),
                values: l.windows.map((w) => w.booked),
                color: '#c28a00',
              },
              {
                label: t('areas.capacityLabel'),
                values: l.windows.map((w) => w.capacity),
                color: '#2f6f4f',
                outline: true,
              },
            ]}
          />
          <p>{t('areas.bookedOf', { booked: l.total.booked, capacity: l.total.capacity })}</p>
        </>
      )}
    </div>
  );
}
