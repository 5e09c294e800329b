import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type Page } from '../../api/client.js';
import { formatMoney, formatTime, type Money, type Stateful } from '../../api/types.js';
import { useMe } from '../../auth.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback.js';
import { Field, FormFooter, SubmitButton, useForm } from '../../ui/form.js';
import { asApiError, useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import type { GradingStandard } from '../admin/catalog.js';
import { type Answer, CheckInput } from '../warehouse/inspections.js';
import type { ApiError } from '../../api/client.js';

interface Part {
  id: string;
  partName: string;
  partNumber: string | null;
  serialIn: string | null;
  serialOut: string | null;
  cost: Money;
  createdAt: string;
}

interface RefurbishmentOrder extends Stateful {
  itemId: string;
  partnerId: string | null;
  categoryFamily: string;
  standard: { code: string; version: number } | null;
  findings: Array<{ label: string; severity: string }>;
  economics: {
    worthRepairing: boolean | null;
    expectedResale: Money | null;
    estimatedRepairCost: Money | null;
    reason: string;
  };
  repair: {
    startedAt: string | null;
    finishedAt: string | null;
    diagnosis: string | null;
    partsCost: Money | null;
    labourCost: Money | null;
    totalCost: Money | null;
    turnaroundHours: number | null;
  };
  qc: { at: string; grade: string; passed: boolean; summary: string | null } | null;
  outcomeReason: string | null;
  createdAt: string;
  parts?: Part[];
}

/** Technicians: their partner's orders; warehouse staff: orders of their warehouse (QC). */
export function RefurbishmentsScreen() {
  const me = useMe();
  const [state, setState] = useState(me.role === 'warehouse' ? 'QC' : '');
  const list = useLoad(
    (signal) => api.get<Page<RefurbishmentOrder>>('/refurbishments', { state, limit: 100 }, signal),
    [state],
  );
  return (
    <section>
      <h1>{me.role === 'warehouse' ? 'Refurbishment QC' : 'Repair orders'}</h1>
      <label className="inline">
        Show{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">all</option>
          {['OPEN', 'ASSIGNED', 'IN_REPAIR', 'QC', 'DONE', 'UNREPAIRABLE'].map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ').toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption="Refurbishment orders"
          empty="No orders here."
          rows={list.data?.items ?? []}
          rowKey={(o) => o.id}
          columns={[
            {
              header: 'Order',
              cell: (o) => (
                <Link to={`/console/refurbishments/${o.id}`}>
                  {o.categoryFamily} · {o.id.slice(0, 8)}
                </Link>
              ),
            },
            { header: 'State', cell: (o) => <StateBadge state={o.state} /> },
            { header: 'Findings', cell: (o) => o.findings.map((f) => f.label).join(', ') || '—' },
            { header: 'Opened', cell: (o) => formatTime(o.createdAt) },
          ]}
        />
      )}
    </section>
  );
}

function StartForm({ order, done, cancel }: FormProps) {
  const form = useForm({ diagnosis: '' });
  return (
    <form
      className="card"
      aria-label="Start repair"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/refurbishments/${order.id}/start-repair`, {
            version: order.version,
            diagnosis: v.diagnosis.trim() || undefined,
          }),
        done,
      )}
    >
      <Field form={form} name="diagnosis" label="Diagnosis (optional now)" multiline autoFocus />
      <FormFooter form={form} label="Start repair" extra={<CancelButton onClick={cancel} />} />
    </form>
  );
}

function FinishForm({ order, done, cancel }: FormProps) {
  const form = useForm({
    diagnosis: order.repair.diagnosis ?? '',
    labourMinutes: '',
    labourCost: '',
  });
  return (
    <form
      className="card"
      aria-label="Finish repair"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/refurbishments/${order.id}/finish-repair`, {
            version: order.version,
            diagnosis: v.diagnosis.trim() || undefined,
            labourMinutes: Number(v.labourMinutes),
            labourCostMinor: Math.round(Number(v.labourCost) * 100),
          }),
        done,
      )}
    >
      <Field form={form} name="diagnosis" label="Diagnosis" multiline autoFocus />
      <Field form={form} name="labourMinutes" label="Labour (minutes)" inputMode="numeric" />
      <Field
        form={form}
        name="labourCost"
        label="Labour cost (CNY)"
        apiFields={['labourCostMinor']}
        inputMode="decimal"
      />
      <FormFooter form={form} label="Finish repair" extra={<CancelButton onClick={cancel} />} />
    </form>
  );
}

function UnrepairableForm({ order, done, cancel }: FormProps) {
  const form = useForm({ reason: '' });
  return (
    <form
      className="card"
      aria-label="Declare unrepairable"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/refurbishments/${order.id}/declare-unrepairable`, {
            version: order.version,
            reason: v.reason.trim(),
          }),
        done,
      )}
    >
      <Field form={form} name="reason" label="Why can it not be repaired?" multiline autoFocus />
      <FormFooter
        form={form}
        label="Declare unrepairable (goes to recycling)"
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

function PartForm({ order, onDone }: { order: RefurbishmentOrder; onDone: () => void }) {
  const form = useForm({ partName: '', partNumber: '', serialIn: '', serialOut: '', cost: '' });
  return (
    <form
      className="card"
      aria-label="Record part"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.create(`/refurbishments/${order.id}/parts`, {
            partName: v.partName.trim(),
            partNumber: v.partNumber.trim() || undefined,
            serialIn: v.serialIn.trim() || undefined,
            serialOut: v.serialOut.trim() || undefined,
            costMinor: Math.round(Number(v.cost || '0') * 100),
          }),
        () => {
          form.reset();
          onDone();
        },
      )}
    >
      <h2>Record a part</h2>
      <Field form={form} name="partName" label="Part" placeholder="Battery" />
      <Field form={form} name="partNumber" label="Part number" />
      <Field form={form} name="serialIn" label="Serial fitted" />
      <Field form={form} name="serialOut" label="Serial removed" />
      <Field
        form={form}
        name="cost"
        label="Cost (CNY)"
        apiFields={['costMinor']}
        inputMode="decimal"
      />
      <FormFooter form={form} label="Record part" busyLabel="Recording" />
    </form>
  );
}

/** The warehouse's QC of a repaired unit: the item's own grading standard, graded by the server. */
function QcForm({ order, onDone }: { order: RefurbishmentOrder; onDone: () => void }) {
  const standard = useLoad(
    async (signal) => {
      const all = await api.get<{ items: GradingStandard[] }>(
        '/grading-standards',
        { code: order.standard?.code, allVersions: true },
        signal,
      );
      const s = all.items.find((x) => x.version === order.standard?.version);
      return s ? api.get<GradingStandard>(`/grading-standards/${s.id}`, {}, signal) : null;
    },
    [order.standard?.code, order.standard?.version],
  );
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const checks = standard.data?.definition.checks ?? [];
  const fieldErrors = error?.fieldErrors() ?? {};
  if (standard.loading && !standard.data) return <Loading what="Loading the grading standard" />;
  return (
    <form
      aria-label="Quality check"
      className="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        api
          .post(`/refurbishments/${order.id}/qc`, {
            version: order.version,
            answers,
            notes: notes.trim() || undefined,
          })
          .then(onDone)
          .catch((err: unknown) => setError(asApiError(err)))
          .finally(() => setBusy(false));
      }}
    >
      <h2>Quality check</h2>
      <ErrorNotice error={standard.error} onRetry={standard.reload} />
      {standard.data === null && <Notice>The order&apos;s grading standard was not found.</Notice>}
      {standard.data && (
        <p className="muted">
          {standard.data.name} v{standard.data.version}: passes when not scrap and no functional or
          critical finding is left.
        </p>
      )}
      {checks.map((c) => (
        <CheckInput
          key={c.id}
          check={c}
          disabled={busy}
          errors={fieldErrors[`answers.${c.id}`] ?? []}
          value={answers[c.id]}
          onChange={(v) =>
            setAnswers((a) => {
              const next = { ...a };
              if (v === undefined) delete next[c.id];
              else next[c.id] = v;
              return next;
            })
          }
        />
      ))}
      <div className="field">
        <label htmlFor="qc-notes">Notes</label>
        <textarea id="qc-notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <ErrorNotice error={error} />
      <div className="buttons">
        <SubmitButton busy={busy} label="Submit QC" busyLabel="Grading" />
      </div>
    </form>
  );
}

interface FormProps {
  order: RefurbishmentOrder;
  done: () => void;
  cancel: () => void;
}

function CancelButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" onClick={onClick}>
      Cancel
    </button>
  );
}

export function RefurbishmentScreen() {
  const { id = '' } = useParams();
  const one = useLoad(
    (signal) => api.get<RefurbishmentOrder>(`/refurbishments/${id}`, {}, signal),
    [id],
  );
  const o = one.data;
  return (
    <section>
      <p>
        <Link to="/console/refurbishments">← Orders</Link>
      </p>
      <h1>Refurbishment {o ? `${o.categoryFamily} · ${o.id.slice(0, 8)}` : ''}</h1>
      <ErrorNotice error={one.error} onRetry={one.reload} />
      {one.loading && !o && <Loading />}
      {o && (
        <div className="columns">
          <div>
            <p>
              <StateBadge state={o.state} /> opened {formatTime(o.createdAt)}
            </p>
            <dl className="facts">
              <dt>Findings to fix</dt>
              <dd>
                {o.findings.length
                  ? o.findings.map((f) => `${f.label} (${f.severity})`).join(', ')
                  : '—'}
              </dd>
              <dt>Does repair pay?</dt>
              <dd>
                {o.economics.reason} (resale {formatMoney(o.economics.expectedResale)}, repair
                estimate {formatMoney(o.economics.estimatedRepairCost)})
              </dd>
              <dt>Repair</dt>
              <dd>
                {o.repair.startedAt ? `started ${formatTime(o.repair.startedAt)}` : 'not started'}
                {o.repair.finishedAt && ` · finished ${formatTime(o.repair.finishedAt)}`}
                {o.repair.totalCost && ` · total ${formatMoney(o.repair.totalCost)}`}
              </dd>
              {o.repair.diagnosis && (
                <>
                  <dt>Diagnosis</dt>
                  <dd>{o.repair.diagnosis}</dd>
                </>
              )}
              {o.qc && (
                <>
                  <dt>QC</dt>
                  <dd>
                    {o.qc.passed ? 'passed' : 'failed'} as {o.qc.grade} · {o.qc.summary}
                  </dd>
                </>
              )}
              {o.outcomeReason && (
                <>
                  <dt>Outcome</dt>
                  <dd>{o.outcomeReason}</dd>
                </>
              )}
            </dl>
            <ActionBar
              resource={o}
              onDone={one.reload}
              actions={{
                'start-repair': {
                  label: 'Start repair',
                  form: (done, cancel) => <StartForm order={o} done={done} cancel={cancel} />,
                },
                'finish-repair': {
                  label: 'Finish repair',
                  form: (done, cancel) => <FinishForm order={o} done={done} cancel={cancel} />,
                },
                'declare-unrepairable': {
                  label: 'Declare unrepairable',
                  danger: true,
                  form: (done, cancel) => (
                    <UnrepairableForm order={o} done={done} cancel={cancel} />
                  ),
                },
              }}
            />
            <h2>Parts</h2>
            <Table
              caption="Parts"
              empty="No parts recorded."
              rows={o.parts ?? []}
              rowKey={(p) => p.id}
              columns={[
                { header: 'Part', cell: (p) => `${p.partName} ${p.partNumber ?? ''}` },
                { header: 'Serial fitted', cell: (p) => p.serialIn ?? '—' },
                { header: 'Serial removed', cell: (p) => p.serialOut ?? '—' },
                { header: 'Cost', cell: (p) => formatMoney(p.cost), className: 'num' },
              ]}
            />
          </div>
          <div>
            {o.state === 'IN_REPAIR' && o.allowedActions.includes('finish-repair') && (
              <PartForm order={o} onDone={one.reload} />
            )}
            {o.state === 'QC' && o.allowedActions.includes('pass-qc') && (
              <QcForm order={o} onDone={one.reload} />
            )}
          </div>
        </div>
      )}
    </section>
  );
}
