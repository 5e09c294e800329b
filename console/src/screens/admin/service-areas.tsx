import { useState } from 'react';
import { api, type Page } from '../../api/client.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

interface Window {
  start: string;
  end: string;
  capacity: number;
}

interface ServiceArea {
  cityCode: string;
  cityName: string;
  cityNameZh?: string | null;
  timeZone: string;
  cutoffHour: number;
  sameDay: boolean;
  windows: Window[];
  districts?: Array<{ code: string; name: string }>;
  active?: boolean;
}

export function ServiceAreasScreen() {
  const list = useLoad((signal) => api.get<Page<ServiceArea>>('/service-areas', {}, signal), []);
  const [city, setCity] = useState<string | null>(null);
  const detail = useLoad(
    (signal) =>
      city ? api.get<ServiceArea>(`/service-areas/${city}`, {}, signal) : Promise.resolve(null),
    [city],
  );
  const area = detail.data;
  return (
    <section>
      <h1>Service areas and capacity</h1>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption="Service areas"
          rows={list.data?.items ?? []}
          rowKey={(a) => a.cityCode}
          columns={[
            {
              header: 'City',
              cell: (a) => (
                <button type="button" className="link" onClick={() => setCity(a.cityCode)}>
                  {a.cityName} {a.cityNameZh}
                </button>
              ),
            },
            { header: 'Code', cell: (a) => a.cityCode },
            {
              header: 'Same day',
              cell: (a) => (a.sameDay ? `yes, until ${a.cutoffHour}:00` : 'no'),
            },
            { header: 'Windows', cell: (a) => a.windows.length, className: 'num' },
            {
              header: 'Daily capacity',
              cell: (a) => a.windows.reduce((n, w) => n + w.capacity, 0),
              className: 'num',
            },
            { header: 'Active', cell: (a) => (a.active === false ? 'off' : 'on') },
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
                {area.cityName} ({area.timeZone})
              </h2>
              <WindowLoad cityCode={area.cityCode} cityName={area.cityName} />
              <p>
                <b>Districts:</b>{' '}
                {(area.districts ?? []).map((d) => d.name).join(', ') || 'none listed'}
              </p>
            </>
          )}
        </div>
      )}
    </section>
  );
}

interface WindowLoadView {
  date: string;
  windows: Array<{ start: string; end: string; capacity: number; booked: number }>;
  total: { capacity: number; booked: number };
}

/** Pickups booked per window on a day, against each window's capacity. */
function WindowLoad({ cityCode, cityName }: { cityCode: string; cityName: string }) {
  const [date, setDate] = useState('');
  const load = useLoad(
    (signal) =>
      api.get<WindowLoadView>('/pickups/load', { cityCode, date: date || undefined }, signal),
    [cityCode, date],
  );
  const l = load.data;
  return (
    <div>
      <label className="inline">
        Day{' '}
        <input
          type="date"
          value={date || l?.date || ''}
          onChange={(e) => setDate(e.target.value)}
        />
      </label>
      <ErrorNotice error={load.error} onRetry={load.reload} />
      {load.loading && !l && <Loading what="Counting pickups" />}
      {l && (
        <>
          <BarPanel
            title={`Pickups per window against capacity in ${cityName} on ${l.date}`}
            labels={l.windows.map((w) => `${w.start}–${w.end}`)}
            series={[
              { label: 'Booked', values: l.windows.map((w) => w.booked), color: '#c28a00' },
              {
                label: 'Capacity',
                values: l.windows.map((w) => w.capacity),
                color: '#2f6f4f',
                outline: true,
              },
            ]}
          />
          <p>
            {l.total.booked} of {l.total.capacity} places booked.
          </p>
        </>
      )}
    </div>
  );
}
