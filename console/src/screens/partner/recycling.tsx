import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Answer, type Row } from '../../api/client.js';
import { formatMoney, formatTime } from '../../api/types.js';
import { i18n } from '../../i18n/index.js';
import { numberText } from '../../i18n/format.js';
import { stateLabel } from '../../i18n/labels.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import {
  CancelButton as Cancel,
  chosen,
  Field,
  FormFooter,
  oneOf,
  useForm,
} from '../../ui/form.js';
import { useLoad, usePagedLoad } from '../../ui/hooks.js';

/** A lot as read alone (with its items); lists leave the items out. */
type RecyclingLot = Answer<'get', '/recycling-lots/{id}'>;
const LOT_STATES = ['OPEN', 'SEALED', 'HANDED_OVER', 'SETTLED'] as const;
const CERTIFICATE_KINDS = ['recycling', 'destruction'] as const;

/** Count and weight: as sealed, else from the items in the lot now. */
function contents(lot: Row<'/recycling-lots'> & { items?: RecyclingLot['items'] }) {
  const items = lot.items ?? [];
  return {
    count: lot.itemCount ?? items.length,
    grams: lot.estimatedWeightGrams ?? items.reduce((a, i) => a + (i.weightGrams ?? 0), 0),
  };
}

const kg = (g: number | null | undefined) =>
  g === null || g === undefined
    ? '—'
    : i18n.t('recycling.kg', { n: numberText(g / 1000, i18n.language, 2) });
const grams = (kgText: string) => Math.round(Number(kgText) * 1000);

interface FormProps {
  lot: RecyclingLot;
  done: () => void;
  cancel: () => void;
}

function SealForm({ lot, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const { count, grams: estimated } = contents(lot);
  const form = useForm({ weight: (estimated / 1000).toFixed(2), sealNumber: '' });
  return (
    <form
      className="card"
      aria-label={t('recycling.sealTitle')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/recycling-lots/{id}/seal', {
            path: { id: lot.id },
            body: {
              version: lot.version,
              weightGrams: grams(v.weight),
              sealNumber: v.sealNumber.trim() || undefined,
            },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="weight"
        label={t('recycling.weight')}
        apiFields={['weightGrams']}
        inputMode="decimal"
        required
        hint={t('recycling.estimated', { weight: kg(estimated), count })}
        autoFocus
      />
      <Field form={form} name="sealNumber" label={t('recycling.sealNumber')} />
      <FormFooter
        form={form}
        label={t('recycling.seal')}
        confirm={t('recycling.confirmSeal')}
        extra={<Cancel onClick={cancel} />}
      />
    </form>
  );
}

function HandOverForm({ lot, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({ signedByName: '', signature: '' });
  return (
    <form
      className="card"
      aria-label={t('recycling.handOverTitle')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/recycling-lots/{id}/hand-over', {
            path: { id: lot.id },
            body: {
              version: lot.version,
              signedByName: v.signedByName.trim(),
              signature: v.signature.trim(),
            },
            key,
          }),
        done,
      )}
    >
      <Field form={form} name="signedByName" label={t('recycling.takenBy')} required autoFocus />
      <Field
        form={form}
        name="signature"
        label={t('recycling.signature')}
        hint={t('recycling.signatureHint')}
        required
      />
      <FormFooter
        form={form}
        label={t('recycling.handOver')}
        confirm={t('recycling.confirmHandOver')}
        extra={<Cancel onClick={cancel} />}
      />
    </form>
  );
}

function SettleForm({ lot, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({
    weight: lot.sealed?.weightGrams ? (lot.sealed.weightGrams / 1000).toFixed(2) : '',
    value: '',
    certificateKind: 'recycling',
    certificateRef: '',
  });
  return (
    <form
      className="card"
      aria-label={t('recycling.settleTitle')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/recycling-lots/{id}/settle', {
            path: { id: lot.id },
            body: {
              version: lot.version,
              weightGrams: grams(v.weight),
              valueMinor: Math.round(Number(v.value) * 100),
              certificateKind: chosen('certificateKind', CERTIFICATE_KINDS, v.certificateKind),
              certificateRef: v.certificateRef.trim(),
            },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="weight"
        label={t('recycling.weighed')}
        apiFields={['weightGrams']}
        inputMode="decimal"
        required
        hint={
          lot.sealed ? t('recycling.sealedAt', { weight: kg(lot.sealed.weightGrams) }) : undefined
        }
        autoFocus
      />
      <Field
        form={form}
        name="value"
        label={t('recycling.value')}
        apiFields={['valueMinor']}
        inputMode="decimal"
        required
      />
      <Field
        form={form}
        name="certificateKind"
        label={t('recycling.certificate')}
        options={[
          { value: 'recycling', label: t('recycling.kinds.recycling') },
          { value: 'destruction', label: t('recycling.kinds.destruction') },
        ]}
      />
      <Field form={form} name="certificateRef" label={t('recycling.certificateRef')} required />
      <FormFooter
        form={form}
        label={t('recycling.settle')}
        confirm={t('recycling.confirmSettle')}
        extra={<Cancel onClick={cancel} />}
      />
    </form>
  );
}

/** Warehouse: seal and hand over; recycler (technician): hand over and settle. */
export function RecyclingLotsScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState('');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/recycling-lots', {
        query: { state: oneOf(LOT_STATES, state), limit: 100, cursor },
        signal,
      }),
    [state],
  );
  return (
    <section>
      <h1>{t('screens.recyclingLots')}</h1>
      <label className="inline">
        {t('common.show')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {['OPEN', 'SEALED', 'HANDED_OVER', 'SETTLED'].map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">{t('recycling.none')}</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((l) => (
          <LotCard key={l.id} id={l.id} onChanged={list.reload} />
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}

const certificateKind = (kind: string | null) =>
  kind === 'recycling' || kind === 'destruction'
    ? i18n.t(`recycling.kinds.${kind}`)
    : (kind ?? '—');

/** One lot with its items (the single read carries them). */
function LotCard({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const lot = useLoad((signal) => api.get('/recycling-lots/{id}', { path: { id }, signal }), [id]);
  const l = lot.data;
  if (!l) {
    return (
      <li className="card">
        {lot.loading && <Loading />}
        <ErrorNotice error={lot.error} onRetry={lot.reload} />
      </li>
    );
  }
  return (
    <li className="card">
      <h2>
        {t('recycling.lot', { id: l.id.slice(0, 8) })} <StateBadge state={l.state} />
      </h2>
      <p>
        {t('recycling.contents', {
          count: contents(l).count,
          weight: kg(contents(l).grams),
          time: formatTime(l.createdAt),
        })}
      </p>
      {l.items && l.items.length > 0 && (
        <p className="muted">
          {t('support.items')} {l.items.map((i) => i.traceCode).join(t('list.separator'))}
        </p>
      )}
      {l.sealed && (
        <p>
          {t('recycling.sealedLine', {
            time: formatTime(l.sealed.at),
            weight: kg(l.sealed.weightGrams),
          })}
          {l.sealed.sealNumber && ` · ${t('courier.seal', { seal: l.sealed.sealNumber })}`}
        </p>
      )}
      {l.handedOverAt && (
        <p>
          {t('recycling.handedOverLine', { time: formatTime(l.handedOverAt) })}
          {l.handoff?.signedByName && ` · ${t('recycling.to', { name: l.handoff.signedByName })}`}
        </p>
      )}
      {l.settlement && (
        <p className={l.settlement.flaggedForReview ? 'bad' : undefined}>
          {t('recycling.settledLine', {
            weight: kg(l.settlement.weightGrams),
            value: formatMoney(l.settlement.value),
            expected: formatMoney(l.settlement.expectedValue),
          })}{' '}
          · {certificateKind(l.settlement.certificate.kind)} {l.settlement.certificate.reference}
          {l.settlement.flaggedForReview && ` · ${t('recycling.flagged')}`}
        </p>
      )}
      <ActionBar
        resource={l}
        onDone={() => {
          lot.reload();
          onChanged();
        }}
        actions={{
          seal: {
            label: t('recycling.seal'),
            form: (done, cancel) => <SealForm lot={l} done={done} cancel={cancel} />,
          },
          'hand-over': {
            label: t('recycling.handOver'),
            form: (done, cancel) => <HandOverForm lot={l} done={done} cancel={cancel} />,
          },
          settle: {
            label: t('recycling.settle'),
            form: (done, cancel) => <SettleForm lot={l} done={done} cancel={cancel} />,
          },
        }}
      />
    </li>
  );
}
