import { useState } from 'react';
import { api, type Page } from '../../api/client.js';
import { formatMoney, formatTime, type Money, type Stateful } from '../../api/types.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad } from '../../ui/hooks.js';

interface RecyclingLot extends Stateful {
  warehouseId: string;
  recyclerId: string;
  /** Counted when the lot is sealed; the items below are the live contents. */
  itemCount: number | null;
  estimatedWeightGrams: number | null;
  sealed: { at: string; weightGrams: number; sealNumber: string | null } | null;
  handoff: { signedByName?: string } | null;
  handedOverAt: string | null;
  settlement: {
    at: string;
    weightGrams: number;
    value: Money | null;
    expectedValue: Money | null;
    certificate: { kind: string; reference: string };
    flaggedForReview: boolean;
  } | null;
  createdAt: string;
  /** Only on a single lot's read. */
  items?: Array<{ itemId: string; traceCode: string; weightGrams: number | null }>;
}

/** Count and weight: as sealed, else from the items in the lot now. */
function contents(lot: RecyclingLot) {
  const items = lot.items ?? [];
  return {
    count: lot.itemCount ?? items.length,
    grams: lot.estimatedWeightGrams ?? items.reduce((a, i) => a + (i.weightGrams ?? 0), 0),
  };
}

const kg = (g: number | null | undefined) =>
  g === null || g === undefined ? '—' : `${(g / 1000).toFixed(2)} kg`;
const grams = (kgText: string) => Math.round(Number(kgText) * 1000);

interface FormProps {
  lot: RecyclingLot;
  done: () => void;
  cancel: () => void;
}

const Cancel = ({ onClick }: { onClick: () => void }) => (
  <button type="button" onClick={onClick}>
    Cancel
  </button>
);

function SealForm({ lot, done, cancel }: FormProps) {
  const { count, grams: estimated } = contents(lot);
  const form = useForm({ weight: (estimated / 1000).toFixed(2), sealNumber: '' });
  return (
    <form
      className="card"
      aria-label="Seal lot"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/recycling-lots/${lot.id}/seal`, {
            version: lot.version,
            weightGrams: grams(v.weight),
            sealNumber: v.sealNumber.trim() || undefined,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="weight"
        label="Weight on the scale (kg)"
        apiFields={['weightGrams']}
        inputMode="decimal"
        hint={`Estimated ${kg(estimated)} for ${count} items`}
        autoFocus
      />
      <Field form={form} name="sealNumber" label="Seal number (optional)" />
      <FormFooter form={form} label="Seal" extra={<Cancel onClick={cancel} />} />
    </form>
  );
}

function HandOverForm({ lot, done, cancel }: FormProps) {
  const form = useForm({ signedByName: '', signature: '' });
  return (
    <form
      className="card"
      aria-label="Hand over lot"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/recycling-lots/${lot.id}/hand-over`, {
            version: lot.version,
            signedByName: v.signedByName.trim(),
            signature: v.signature.trim(),
          }),
        done,
      )}
    >
      <Field form={form} name="signedByName" label="Recycler's person taking the lot" autoFocus />
      <Field
        form={form}
        name="signature"
        label="Signature or acknowledgement code"
        hint="Only a fingerprint of it is kept"
      />
      <FormFooter form={form} label="Hand over" extra={<Cancel onClick={cancel} />} />
    </form>
  );
}

function SettleForm({ lot, done, cancel }: FormProps) {
  const form = useForm({
    weight: lot.sealed ? (lot.sealed.weightGrams / 1000).toFixed(2) : '',
    value: '',
    certificateKind: 'recycling',
    certificateRef: '',
  });
  return (
    <form
      className="card"
      aria-label="Settle lot"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/recycling-lots/${lot.id}/settle`, {
            version: lot.version,
            weightGrams: grams(v.weight),
            valueMinor: Math.round(Number(v.value) * 100),
            certificateKind: v.certificateKind,
            certificateRef: v.certificateRef.trim(),
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="weight"
        label="Weighed at the recycler (kg)"
        apiFields={['weightGrams']}
        inputMode="decimal"
        hint={lot.sealed ? `Sealed at ${kg(lot.sealed.weightGrams)}` : undefined}
        autoFocus
      />
      <Field
        form={form}
        name="value"
        label="Value paid (CNY)"
        apiFields={['valueMinor']}
        inputMode="decimal"
      />
      <Field
        form={form}
        name="certificateKind"
        label="Certificate"
        options={[
          { value: 'recycling', label: 'Recycling' },
          { value: 'destruction', label: 'Destruction' },
        ]}
      />
      <Field form={form} name="certificateRef" label="Certificate reference" />
      <FormFooter form={form} label="Settle" extra={<Cancel onClick={cancel} />} />
    </form>
  );
}

/** Warehouse: seal and hand over; recycler (technician): hand over and settle. */
export function RecyclingLotsScreen() {
  const [state, setState] = useState('');
  const list = useLoad(
    (signal) => api.get<Page<RecyclingLot>>('/recycling-lots', { state, limit: 100 }, signal),
    [state],
  );
  return (
    <section>
      <h1>Recycling lots</h1>
      <label className="inline">
        Show{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">all</option>
          {['OPEN', 'SEALED', 'HANDED_OVER', 'SETTLED'].map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ').toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">No lots here.</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((l) => (
          <LotCard key={l.id} id={l.id} onChanged={list.reload} />
        ))}
      </ul>
    </section>
  );
}

/** One lot with its items (the single read carries them). */
function LotCard({ id, onChanged }: { id: string; onChanged: () => void }) {
  const lot = useLoad((signal) => api.get<RecyclingLot>(`/recycling-lots/${id}`, {}, signal), [id]);
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
        Lot {l.id.slice(0, 8)} <StateBadge state={l.state} />
      </h2>
      <p>
        {contents(l).count} items · {l.sealed ? 'estimated' : 'about'} {kg(contents(l).grams)} ·
        opened {formatTime(l.createdAt)}
      </p>
      {l.items && l.items.length > 0 && (
        <p className="muted">Items: {l.items.map((i) => i.traceCode).join(', ')}</p>
      )}
      {l.sealed && (
        <p>
          Sealed {formatTime(l.sealed.at)} at {kg(l.sealed.weightGrams)}
          {l.sealed.sealNumber && `, seal ${l.sealed.sealNumber}`}
        </p>
      )}
      {l.handedOverAt && (
        <p>
          Handed over {formatTime(l.handedOverAt)}
          {l.handoff?.signedByName && ` to ${l.handoff.signedByName}`}
        </p>
      )}
      {l.settlement && (
        <p className={l.settlement.flaggedForReview ? 'bad' : undefined}>
          Settled {kg(l.settlement.weightGrams)} for {formatMoney(l.settlement.value)} (expected{' '}
          {formatMoney(l.settlement.expectedValue)}) · {l.settlement.certificate.kind}{' '}
          {l.settlement.certificate.reference}
          {l.settlement.flaggedForReview && ' · weight off: flagged for review'}
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
            label: 'Seal',
            form: (done, cancel) => <SealForm lot={l} done={done} cancel={cancel} />,
          },
          'hand-over': {
            label: 'Hand over',
            form: (done, cancel) => <HandOverForm lot={l} done={done} cancel={cancel} />,
          },
          settle: {
            label: 'Settle',
            form: (done, cancel) => <SettleForm lot={l} done={done} cancel={cancel} />,
          },
        }}
      />
    </li>
  );
}
