import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Answer, type RequestBody } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { CancelButton, chosen, Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad } from '../../ui/hooks.js';
import { PlaceName } from '../../ui/places.js';
import { PhotoPicker } from '../../ui/photos.js';
import { ScanField } from '../../ui/scan.js';

/** A pickup as the courier's route and the dispatch board read it. */
export type Pickup = Answer<'get', '/pickups/board'>['pickups'][number];
/** A route stop: the pickup with its place in the route and map links. */
type RouteStop = Answer<'get', '/pickups/route'>['stops'][number];

const FAILURE_REASONS = [
  'owner-absent',
  'address-wrong',
  'item-not-ready',
  'refused',
  'other',
] as const;

function CollectForm({
  pickup,
  done,
  cancel,
}: {
  pickup: Pickup;
  done: () => void;
  cancel: () => void;
}) {
  const { t } = useTranslation();
  // The scanned codes are part of the form's values, so a new scan is a new action (key).
  const form = useForm({ sealNumber: '', scanned: '', photos: '' });
  const photos = form.values.photos ? form.values.photos.split(' ') : [];
  const scanned = form.values.scanned ? form.values.scanned.split(' ') : [];
  const setScanned = (next: (codes: string[]) => string[]) =>
    form.set('scanned', next(scanned).join(' '));
  const expected = pickup.items.map((i) => i.traceCode ?? '').filter(Boolean);
  const unexpected = scanned.filter((c) => !expected.includes(c));
  return (
    <form
      className="card"
      aria-label={t('courier.collect')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/pickups/{id}/collect', {
            path: { id: pickup.id },
            body: {
              version: pickup.version,
              sealNumber: v.sealNumber.trim() || undefined,
              traceCodes: scanned,
              ...(photos.length ? { photoRefs: photos } : {}),
            },
            key,
          }),
        done,
      )}
    >
      {pickup.specialPackaging && (
        <Field
          form={form}
          name="sealNumber"
          label={t('courier.sealNumber')}
          hint={t('courier.sealHint')}
          autoFocus
        />
      )}
      <ScanField
        label={t('courier.scan')}
        autoFocus={!pickup.specialPackaging}
        disabled={form.busy}
        onScan={(code) =>
          setScanned((s) => (s.includes(code.toUpperCase()) ? s : [...s, code.toUpperCase()]))
        }
      />
      <ul className="checklist" aria-label={t('courier.itemsToCollect')}>
        {expected.map((c) => (
          <li key={c} className={scanned.includes(c) ? 'done' : ''}>
            {scanned.includes(c) ? '✔' : '○'} {c}
          </li>
        ))}
        {unexpected.map((c) => (
          <li key={c} className="unexpected">
            ✖ {t('courier.notInPickup', { code: c })}{' '}
            <button
              type="button"
              className="link"
              onClick={() => setScanned((s) => s.filter((x) => x !== c))}
            >
              {t('courier.remove')}
            </button>
          </li>
        ))}
      </ul>
      <div className="field">
        <label htmlFor={`handover-photos-${pickup.id}`}>{t('photos.handover')}</label>
        <PhotoPicker
          id={`handover-photos-${pickup.id}`}
          purpose="pickup"
          disabled={form.busy}
          min={pickup.mode === 'inspection-at-address' ? 2 : 0}
          value={photos}
          onChange={(ids) => form.set('photos', ids.join(' '))}
        />
      </div>
      <FormFooter
        form={form}
        label={t('courier.confirmCollection', { n: scanned.length, total: expected.length })}
        busyLabel={t('courier.recording')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

function FailForm({
  pickup,
  done,
  cancel,
}: {
  pickup: Pickup;
  done: () => void;
  cancel: () => void;
}) {
  const { t } = useTranslation();
  const form = useForm({ reason: 'owner-absent', note: '' });
  return (
    <form
      className="card"
      aria-label={t('courier.failTitle')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/pickups/{id}/fail', {
            path: { id: pickup.id },
            body: {
              version: pickup.version,
              reason: chosen('reason', FAILURE_REASONS, v.reason),
              note: v.note.trim() || undefined,
            },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="reason"
        label={t('courier.reason')}
        options={FAILURE_REASONS.map((value) => ({ value, label: t(`courier.reasons.${value}`) }))}
      />
      <Field
        form={form}
        name="note"
        label={t('courier.note')}
        multiline
        required={form.values.reason === 'other'}
        hint={t('courier.noteHint')}
      />
      <FormFooter
        form={form}
        label={t('courier.failSubmit')}
        busyLabel={t('courier.reporting')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

type MoveBody = Omit<RequestBody<'post', '/pickups/{id}/move-window'>, 'version'>;
type HandBackBody = Omit<RequestBody<'post', '/pickups/{id}/hand-back'>, 'version'>;

/** Every API call of the courier's day, in one place. */
const courierApi = {
  route: (date: string, signal: AbortSignal) =>
    api.get('/pickups/route', { query: { date: date || undefined }, signal }),
  freeWindows: (p: Pickup, signal: AbortSignal) =>
    api.get('/pickup-windows', {
      query: { cityCode: p.address.cityCode, districtCode: p.address.districtCode },
      signal,
    }),
  move: (p: Pickup, body: MoveBody, key: string) =>
    api.post('/pickups/{id}/move-window', {
      path: { id: p.id },
      body: { ...body, version: p.version },
      key,
    }),
  handBack: (p: Pickup, body: HandBackBody, key: string) =>
    api.post('/pickups/{id}/hand-back', {
      path: { id: p.id },
      body: { ...body, version: p.version },
      key,
    }),
};

const HAND_BACK_REASONS = ['vehicle-problem', 'overloaded', 'too-far', 'unwell', 'other'] as const;
const CHANNELS = ['phone', 'in-person'] as const;

function MoveForm({
  pickup,
  done,
  cancel,
}: {
  pickup: Pickup;
  done: () => void;
  cancel: () => void;
}) {
  const { t } = useTranslation();
  const free = useLoad((signal) => courierApi.freeWindows(pickup, signal), [pickup.id]);
  const form = useForm({ window: '', agreedBy: pickup.address.contactName, channel: 'phone' });
  const options = (free.data?.windows ?? [])
    .filter(
      (w) =>
        !(
          w.date === pickup.promisedWindow.localDate &&
          pickup.promisedWindow.local.startsWith(w.start)
        ),
    )
    .map((w) => ({
      value: `${w.date}#${w.windowIndex}`,
      label: t('courier.freeWindow', { date: w.date, start: w.start, end: w.end, n: w.remaining }),
    }));
  return (
    <form
      className="card"
      aria-label={t('courier.moveTitle')}
      noValidate
      onSubmit={form.submit((v, key) => {
        const [date = '', index] = v.window.split('#');
        return courierApi.move(
          pickup,
          {
            date,
            windowIndex: Number(index),
            agreement: {
              agreedBy: v.agreedBy.trim(),
              channel: chosen('channel', CHANNELS, v.channel),
              agreedAt: new Date().toISOString(),
            },
          },
          key,
        );
      }, done)}
    >
      <ErrorNotice error={free.error} onRetry={free.reload} />
      <Field
        form={form}
        name="window"
        label={t('courier.newWindow')}
        required
        options={[{ value: '', label: t('courier.chooseWindow') }, ...options]}
      />
      <Field form={form} name="agreedBy" label={t('courier.agreedBy')} required />
      <Field
        form={form}
        name="channel"
        label={t('courier.agreedHow')}
        options={[
          { value: 'phone', label: t('courier.channels.phone') },
          { value: 'in-person', label: t('courier.channels.in-person') },
        ]}
      />
      <p className="muted">{t('courier.customerTold')}</p>
      <FormFooter
        form={form}
        label={t('courier.moveSubmit')}
        busyLabel={t('courier.recording')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

function HandBackForm({
  pickup,
  done,
  cancel,
}: {
  pickup: Pickup;
  done: () => void;
  cancel: () => void;
}) {
  const { t } = useTranslation();
  const form = useForm({ reason: 'vehicle-problem', note: '' });
  return (
    <form
      className="card"
      aria-label={t('courier.handBackTitle')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          courierApi.handBack(
            pickup,
            {
              reason: chosen('reason', HAND_BACK_REASONS, v.reason),
              note: v.note.trim() || undefined,
            },
            key,
          ),
        done,
      )}
    >
      <Field
        form={form}
        name="reason"
        label={t('courier.reason')}
        options={HAND_BACK_REASONS.map((value) => ({
          value,
          label: t(`courier.handBackReasons.${value}`),
        }))}
      />
      <Field
        form={form}
        name="note"
        label={t('courier.note')}
        multiline
        required={form.values.reason === 'other'}
      />
      <FormFooter
        form={form}
        label={t('courier.handBackSubmit')}
        busyLabel={t('courier.recording')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

export function PickupCard({
  pickup,
  onChange,
}: {
  pickup: Pickup | RouteStop;
  onChange: () => void;
}) {
  const { t } = useTranslation();
  const a = pickup.address;
  return (
    <li
      className="card pickup"
      aria-label={t('courier.pickupLabel', {
        window: pickup.promisedWindow.local,
        name: a.contactName,
      })}
    >
      <div className="pickup-head">
        <strong className="window">{pickup.promisedWindow.local}</strong>
        <StateBadge state={pickup.state} />
        {pickup.attempt > 1 && (
          <span className="tag warn">{t('courier.attempt', { n: pickup.attempt })}</span>
        )}
        {pickup.specialPackaging && <span className="tag">{t('courier.sealedBag')}</span>}
      </div>
      <address>
        <PlaceName cityCode={a.cityCode} districtCode={a.districtCode} /> {a.line1}
        {a.line2 && <>, {a.line2}</>}
        <br />
        {a.contactName} · <a href={`tel:${a.contactPhone}`}>{a.contactPhone}</a>
      </address>
      {'navigation' in pickup && (
        <p className="route-links">
          <a href={pickup.navigation.amap} target="_blank" rel="noreferrer">
            {t('courier.navAmap')}
          </a>
          <a href={pickup.navigation.baidu} target="_blank" rel="noreferrer">
            {t('courier.navBaidu')}
          </a>
        </p>
      )}
      <p className="muted">
        {t('courier.items', { count: pickup.items.length })}{' '}
        {pickup.items.map((i) => i.traceCode).join(t('list.separator'))}
        {pickup.sealNumber && <> · {t('courier.seal', { seal: pickup.sealNumber })}</>}
        {pickup.collectedAt && (
          <> · {t('courier.collectedAt', { time: formatTime(pickup.collectedAt) })}</>
        )}
        {pickup.deliveredAt && (
          <> · {t('courier.deliveredAt', { time: formatTime(pickup.deliveredAt) })}</>
        )}
      </p>
      <ActionBar
        resource={pickup}
        onDone={onChange}
        actions={{
          start: {
            label: t('courier.start'),
            run: (key) =>
              api.post('/pickups/{id}/start', {
                path: { id: pickup.id },
                body: { version: pickup.version },
                key,
              }),
          },
          collect: {
            label: t('courier.collect'),
            form: (done, cancel) => <CollectForm pickup={pickup} done={done} cancel={cancel} />,
          },
          deliver: {
            label: t('courier.deliver'),
            run: (key) =>
              api.post('/pickups/{id}/deliver', {
                path: { id: pickup.id },
                body: { version: pickup.version },
                key,
              }),
          },
          'move-window': {
            label: t('courier.move'),
            form: (done, cancel) => <MoveForm pickup={pickup} done={done} cancel={cancel} />,
          },
          'hand-back': {
            label: t('courier.handBack'),
            danger: true,
            form: (done, cancel) => <HandBackForm pickup={pickup} done={done} cancel={cancel} />,
          },
          fail: {
            label: t('courier.failed'),
            danger: true,
            form: (done, cancel) => <FailForm pickup={pickup} done={done} cancel={cancel} />,
          },
        }}
      />
    </li>
  );
}

export function CourierTodayScreen() {
  const { t } = useTranslation();
  const [date, setDate] = useState('');
  const list = useLoad((signal) => courierApi.route(date, signal), [date]);
  const tomorrow = list.data?.tomorrow;
  return (
    <section>
      <h1>{t('screens.myPickups')}</h1>
      <label className="inline">
        {t('common.day')}{' '}
        <input
          type="date"
          value={date || list.data?.date || ''}
          onChange={(e) => setDate(e.target.value)}
        />
      </label>{' '}
      <button type="button" onClick={list.reload}>
        {t('common.refresh')}
      </button>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading what={t('courier.loading')} />}
      {tomorrow && (
        <p className="card" aria-label={t('courier.tomorrowTitle')}>
          <strong>{t('courier.tomorrowTitle')}</strong>{' '}
          {t('courier.tomorrowCount', { count: tomorrow.count })}
          {tomorrow.windows.length > 0 && (
            <>
              {' · '}
              {tomorrow.windows.map((w) => `${w.key} ×${w.count}`).join(t('list.separator'))}
            </>
          )}
          {tomorrow.areas.length > 0 && (
            <>
              {' · '}
              {tomorrow.areas.map((x) => (
                <PlaceName key={x.key} cityCode={x.key} />
              ))}
            </>
          )}
        </p>
      )}
      {list.data && list.data.stops.length === 0 && <p className="muted">{t('courier.none')}</p>}
      <ol className="pickups" aria-label={t('courier.routeTitle')}>
        {(list.data?.stops ?? []).map((p) => (
          <PickupCard key={p.id} pickup={p} onChange={list.reload} />
        ))}
      </ol>
    </section>
  );
}
