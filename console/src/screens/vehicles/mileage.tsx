import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Answer } from '../../api/client.js';
import { formatDay, formatTime } from '../../api/types.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useAction, useActionKeys, useLoad } from '../../ui/hooks.js';
import { oneOf } from '../../ui/form.js';
import { Table } from '../../ui/table.js';

type VehicleView = Answer<'get', '/vehicles/{vin}'>;
type Evidence = VehicleView['mileage']['evidence'][number];

const SOURCES = ['owner-declaration', 'inspection', 'listing'] as const;

/**
 * Odometer rollback evidence (调表): a car's mileage readings in date order with the reading that
 * went backwards marked and explained, the flagged cars, and adding a reading. API calls: the
 * flagged list, the car, and adding a reading.
 */
export function MileageScreen() {
  const { t } = useTranslation();
  const [vin, setVin] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const flagged = useLoad(
    (signal) => api.get('/vehicles/flagged', { query: { limit: 50 }, signal }),
    [],
  );
  const car = useLoad(
    (signal) =>
      open ? api.get('/vehicles/{vin}', { path: { vin: open }, signal }) : Promise.resolve(null),
    [open],
  );
  return (
    <section>
      <h1>{t('screens.mileage')}</h1>
      <form
        className="inline-fields"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setOpen(vin.trim().toUpperCase() || null);
        }}
      >
        <label htmlFor="vin">{t('mileage.vin')}</label>{' '}
        <input
          id="vin"
          value={vin}
          autoComplete="off"
          maxLength={17}
          onChange={(e) => setVin(e.target.value)}
        />{' '}
        <button type="submit">{t('mileage.open')}</button>
      </form>
      <div className="columns">
        <div>
          <ErrorNotice error={car.error} onRetry={car.reload} />
          {car.loading && open && <Loading />}
          {car.data && <Evidence car={car.data} onAdded={car.reload} />}
        </div>
        <div>
          <h2>{t('mileage.flaggedTitle')}</h2>
          <ErrorNotice error={flagged.error} onRetry={flagged.reload} />
          {flagged.loading && !flagged.data ? (
            <Loading />
          ) : (
            <Table
              caption={t('mileage.flaggedTitle')}
              empty={t('mileage.noneFlagged')}
              rows={flagged.data?.items ?? []}
              rowKey={(v) => v.vin}
              columns={[
                {
                  header: t('mileage.vin'),
                  cell: (v) => (
                    <button type="button" className="link" onClick={() => setOpen(v.vin)}>
                      {v.vin}
                    </button>
                  ),
                },
                { header: t('mileage.flaggedAt'), cell: (v) => formatTime(v.flaggedAt) },
              ]}
            />
          )}
        </div>
      </div>
    </section>
  );
}

function Evidence({ car, onAdded }: { car: VehicleView; onAdded: () => void }) {
  const { t } = useTranslation();
  const rollbacks = (car.mileage.evidence ?? []).filter(
    (e): e is Extract<Evidence, { kind: 'rollback' }> => e.kind === 'rollback',
  );
  const backwards = (r: { id: string; km: number; readOn: string }) =>
    rollbacks.some(
      (e) =>
        e.later.id === r.id ||
        (e.later.km === r.km && e.later.readOn.slice(0, 10) === r.readOn.slice(0, 10)),
    );
  return (
    <section aria-labelledby="car-title">
      <h2 id="car-title">
        {car.vin}
        {car.modelYear ? ` · ${car.modelYear}` : ''}
      </h2>
      {car.mileage.flagged ? (
        <div role="alert" className="notice warn">
          <p>
            <b>{t('mileage.flagged')}</b>
          </p>
          <ul>
            {rollbacks.map((e, i) => (
              <li key={i}>
                {t('mileage.rollback', {
                  laterKm: e.later.km,
                  laterOn: formatDay(e.later.readOn),
                  laterSource: t(`mileage.source.${e.later.source}`, {
                    defaultValue: e.later.source,
                  }),
                  earlierKm: e.earlier.km,
                  earlierOn: formatDay(e.earlier.readOn),
                  dropKm: e.dropKm,
                })}
              </li>
            ))}
            {(car.mileage.evidence ?? [])
              .filter((e) => e.kind !== 'rollback')
              .map((e, i) => (
                <li key={`p${i}`}>{t(`mileage.${e.kind}`)}</li>
              ))}
          </ul>
        </div>
      ) : (
        <p className="ok">{t('mileage.clear')}</p>
      )}
      <Table
        caption={t('mileage.readingsTitle')}
        empty={t('mileage.noReadings')}
        rows={car.mileage.readings}
        rowKey={(r) => r.id}
        columns={[
          { header: t('mileage.col.date'), cell: (r) => formatDay(r.readOn) },
          {
            header: t('mileage.col.source'),
            cell: (r) => t(`mileage.source.${r.source}`, { defaultValue: r.source }),
          },
          {
            header: t('mileage.col.km'),
            cell: (r) => (
              <>
                {t('mileage.km', { km: r.km })}
                {backwards(r) && <span className="tag warn">{t('mileage.wentBackwards')}</span>}
              </>
            ),
          },
        ]}
      />
      <AddReading vin={car.vin} onAdded={onAdded} />
    </section>
  );
}

function AddReading({ vin, onAdded }: { vin: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const [km, setKm] = useState('');
  const [readOn, setReadOn] = useState('');
  const [source, setSource] = useState<(typeof SOURCES)[number]>('owner-declaration');
  const keys = useActionKeys();
  const add = useAction(async () => {
    const body = { km: Number(km), readOn, source };
    // One key per reading entered, kept across retries of the same one.
    const id = `reading:${vin}:${JSON.stringify(body)}`;
    await api.post('/vehicles/{vin}/mileage-readings', {
      path: { vin },
      body,
      key: keys.for(id),
    });
    keys.done(id);
    setKm('');
    setReadOn('');
    onAdded();
  });
  return (
    <form
      aria-label={t('mileage.addTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        void add.run();
      }}
    >
      <h3>{t('mileage.addTitle')}</h3>
      <div className="field">
        <label htmlFor="reading-km">{t('mileage.col.km')}</label>
        <input
          id="reading-km"
          type="number"
          min={0}
          max={3_000_000}
          required
          value={km}
          onChange={(e) => setKm(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="reading-on">{t('mileage.col.date')}</label>
        <input
          id="reading-on"
          type="date"
          required
          value={readOn}
          onChange={(e) => setReadOn(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="reading-source">{t('mileage.col.source')}</label>
        <select
          id="reading-source"
          value={source}
          onChange={(e) => setSource(oneOf(SOURCES, e.target.value) ?? 'owner-declaration')}
        >
          {SOURCES.map((s) => (
            <option key={s} value={s}>
              {t(`mileage.source.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <ErrorNotice error={add.error} />
      <button type="submit" disabled={add.busy || !km || !readOn}>
        {t('mileage.add')}
      </button>
    </form>
  );
}
