import { useState } from 'react';
import { api } from '../../api/client.js';
import { formatTime, type Stateful } from '../../api/types.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad } from '../../ui/hooks.js';
import { ScanField } from '../../ui/scan.js';

export interface Pickup extends Stateful {
  direction: string;
  items: Array<{ id: string; traceCode: string | null }>;
  address: {
    line1: string;
    line2?: string;
    contactName: string;
    contactPhone: string;
    cityCode: string;
    districtCode: string;
  };
  specialPackaging: boolean;
  promisedWindow: { start: string; end: string; localDate: string; local: string };
  attempt: number;
  sealNumber: string | null;
  collectedAt: string | null;
  deliveredAt: string | null;
}

const FAILURE_REASONS = [
  ['owner-absent', 'Owner not present'],
  ['address-wrong', 'Address wrong or not found'],
  ['item-not-ready', 'Item not ready'],
  ['refused', 'Owner refused the pickup'],
  ['other', 'Other'],
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
  const form = useForm({ sealNumber: '' });
  const [scanned, setScanned] = useState<string[]>([]);
  const expected = pickup.items.map((i) => i.traceCode ?? '').filter(Boolean);
  const unexpected = scanned.filter((c) => !expected.includes(c));
  return (
    <form
      className="card"
      aria-label="Collect"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/pickups/${pickup.id}/collect`, {
            version: pickup.version,
            sealNumber: v.sealNumber.trim() || undefined,
            traceCodes: scanned,
          }),
        done,
      )}
    >
      {pickup.specialPackaging && (
        <Field
          form={form}
          name="sealNumber"
          label="Seal number"
          hint="The number on the tamper-evident bag"
          autoFocus
        />
      )}
      <ScanField
        label="Scan trace code"
        autoFocus={!pickup.specialPackaging}
        disabled={form.busy}
        onScan={(code) =>
          setScanned((s) => (s.includes(code.toUpperCase()) ? s : [...s, code.toUpperCase()]))
        }
      />
      <ul className="checklist" aria-label="Items to collect">
        {expected.map((c) => (
          <li key={c} className={scanned.includes(c) ? 'done' : ''}>
            {scanned.includes(c) ? '✔' : '○'} {c}
          </li>
        ))}
        {unexpected.map((c) => (
          <li key={c} className="unexpected">
            ✖ {c} is not in this pickup{' '}
            <button
              type="button"
              className="link"
              onClick={() => setScanned((s) => s.filter((x) => x !== c))}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <FormFooter
        form={form}
        label={`Confirm collection (${scanned.length}/${expected.length})`}
        busyLabel="Recording"
        extra={
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        }
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
  const form = useForm({ reason: 'owner-absent', note: '' });
  return (
    <form
      className="card"
      aria-label="Report a failed attempt"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/pickups/${pickup.id}/fail`, {
            version: pickup.version,
            reason: v.reason,
            note: v.note.trim() || undefined,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="reason"
        label="Reason"
        options={FAILURE_REASONS.map(([value, label]) => ({ value, label }))}
      />
      <Field
        form={form}
        name="note"
        label="Note"
        multiline
        hint="Required when the reason is Other"
      />
      <FormFooter
        form={form}
        label="Report failed attempt"
        busyLabel="Reporting"
        extra={
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        }
      />
    </form>
  );
}

export function PickupCard({ pickup, onChange }: { pickup: Pickup; onChange: () => void }) {
  const a = pickup.address;
  return (
    <li
      className="card pickup"
      aria-label={`Pickup ${pickup.promisedWindow.local} ${a.contactName}`}
    >
      <div className="pickup-head">
        <strong className="window">{pickup.promisedWindow.local}</strong>
        <StateBadge state={pickup.state} />
        {pickup.attempt > 1 && <span className="tag warn">attempt {pickup.attempt}</span>}
        {pickup.specialPackaging && <span className="tag">sealed bag</span>}
      </div>
      <address>
        {a.line1}
        {a.line2 && <>, {a.line2}</>}
        <br />
        {a.contactName} · <a href={`tel:${a.contactPhone}`}>{a.contactPhone}</a>
      </address>
      <p className="muted">
        {pickup.items.length} item(s): {pickup.items.map((i) => i.traceCode).join(', ')}
        {pickup.sealNumber && <> · seal {pickup.sealNumber}</>}
        {pickup.collectedAt && <> · collected {formatTime(pickup.collectedAt)}</>}
        {pickup.deliveredAt && <> · delivered {formatTime(pickup.deliveredAt)}</>}
      </p>
      <ActionBar
        resource={pickup}
        onDone={onChange}
        actions={{
          start: {
            label: 'Start',
            run: () => api.post(`/pickups/${pickup.id}/start`, { version: pickup.version }),
          },
          collect: {
            label: 'Collect',
            form: (done, cancel) => <CollectForm pickup={pickup} done={done} cancel={cancel} />,
          },
          deliver: {
            label: 'Deliver to warehouse',
            run: () => api.post(`/pickups/${pickup.id}/deliver`, { version: pickup.version }),
          },
          fail: {
            label: 'Failed attempt',
            danger: true,
            form: (done, cancel) => <FailForm pickup={pickup} done={done} cancel={cancel} />,
          },
        }}
      />
    </li>
  );
}

export function CourierTodayScreen() {
  const [date, setDate] = useState('');
  const list = useLoad(
    (signal) =>
      api.get<{ date: string; items: Pickup[] }>(
        '/pickups/mine',
        { date: date || undefined },
        signal,
      ),
    [date],
  );
  return (
    <section>
      <h1>My pickups</h1>
      <label className="inline">
        Day{' '}
        <input
          type="date"
          value={date || list.data?.date || ''}
          onChange={(e) => setDate(e.target.value)}
        />
      </label>{' '}
      <button type="button" onClick={list.reload}>
        Refresh
      </button>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading what="Loading your pickups" />}
      {list.data && list.data.items.length === 0 && (
        <p className="muted">No pickups for this day.</p>
      )}
      <ol className="pickups">
        {(list.data?.items ?? []).map((p) => (
          <PickupCard key={p.id} pickup={p} onChange={list.reload} />
        ))}
      </ol>
    </section>
  );
}
