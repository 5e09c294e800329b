import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, type Answer } from '../../api/client.js';
import { formatMoney, formatTime } from '../../api/types.js';
import { useMe } from '../../auth.js';
import { gradeLabel, severityLabel, stateLabel } from '../../i18n/labels.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice, LoadMore } from '../../ui/feedback.js';
import {
  CancelButton,
  Field,
  FormFooter,
  oneOf,
  SubmitWithConfirm,
  useForm,
} from '../../ui/form.js';
import { asApiError, useLoad, usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import { type CheckAnswer, CheckInput } from '../warehouse/inspections.js';
import type { ApiError } from '../../api/client.js';

/** An order as read alone (with its parts). */
type RefurbishmentOrder = Answer<'get', '/refurbishments/{id}'>;
const ORDER_STATES = ['OPEN', 'ASSIGNED', 'IN_REPAIR', 'QC', 'DONE', 'UNREPAIRABLE'] as const;

/** Technicians: their partner's orders; warehouse staff: orders of their warehouse (QC). */
export function RefurbishmentsScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const [state, setState] = useState(me.role === 'warehouse' ? 'QC' : '');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/refurbishments', {
        query: { state: oneOf(ORDER_STATES, state), limit: 100, cursor },
        signal,
      }),
    [state],
  );
  return (
    <section>
      <h1>{me.role === 'warehouse' ? t('screens.refurbishmentQc') : t('screens.repairOrders')}</h1>
      <label className="inline">
        {t('common.show')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {ORDER_STATES.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('refurb.caption')}
          empty={t('orders.none')}
          rows={list.data?.items ?? []}
          rowKey={(o) => o.id}
          columns={[
            {
              header: t('refurb.order'),
              cell: (o) => (
                <Link to={`/console/refurbishments/${o.id}`}>
                  {o.categoryFamily} · {o.id.slice(0, 8)}
                </Link>
              ),
            },
            { header: t('common.state'), cell: (o) => <StateBadge state={o.state} /> },
            {
              header: t('refurb.findings'),
              cell: (o) => o.findings.map((f) => f.label).join(t('list.separator')) || '—',
            },
            { header: t('refurb.opened'), cell: (o) => formatTime(o.createdAt) },
          ]}
        />
      )}
      <LoadMore list={list} />
    </section>
  );
}

function StartForm({ order, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({ diagnosis: '' });
  return (
    <form
      className="card"
      aria-label={t('refurb.start')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/refurbishments/{id}/start-repair', {
            path: { id: order.id },
            body: { version: order.version, diagnosis: v.diagnosis.trim() || undefined },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="diagnosis"
        label={t('refurb.diagnosisOptional')}
        multiline
        autoFocus
      />
      <FormFooter form={form} label={t('refurb.start')} extra={<CancelButton onClick={cancel} />} />
    </form>
  );
}

function FinishForm({ order, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({
    diagnosis: order.repair.diagnosis ?? '',
    labourMinutes: '',
    labourCost: '',
  });
  return (
    <form
      className="card"
      aria-label={t('refurb.finish')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/refurbishments/{id}/finish-repair', {
            path: { id: order.id },
            body: {
              version: order.version,
              diagnosis: v.diagnosis.trim() || undefined,
              labourMinutes: Number(v.labourMinutes),
              labourCostMinor: Math.round(Number(v.labourCost) * 100),
            },
            key,
          }),
        done,
      )}
    >
      <Field form={form} name="diagnosis" label={t('refurb.diagnosis')} multiline autoFocus />
      <Field
        form={form}
        name="labourMinutes"
        label={t('refurb.labourMinutes')}
        inputMode="numeric"
        required
      />
      <Field
        form={form}
        name="labourCost"
        label={t('refurb.labourCost')}
        apiFields={['labourCostMinor']}
        inputMode="decimal"
        required
      />
      <FormFooter
        form={form}
        label={t('refurb.finish')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

function UnrepairableForm({ order, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({ reason: '' });
  return (
    <form
      className="card"
      aria-label={t('refurb.unrepairable')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/refurbishments/{id}/declare-unrepairable', {
            path: { id: order.id },
            body: { version: order.version, reason: v.reason.trim() },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="reason"
        label={t('refurb.whyUnrepairable')}
        multiline
        required
        autoFocus
      />
      <FormFooter
        form={form}
        label={t('refurb.unrepairableSubmit')}
        confirm={t('refurb.confirmUnrepairable')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

function PartForm({ order, onDone }: { order: RefurbishmentOrder; onDone: () => void }) {
  const { t } = useTranslation();
  const form = useForm({ partName: '', partNumber: '', serialIn: '', serialOut: '', cost: '' });
  return (
    <form
      className="card"
      aria-label={t('refurb.recordPart')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/refurbishments/{id}/parts', {
            path: { id: order.id },
            body: {
              partName: v.partName.trim(),
              partNumber: v.partNumber.trim() || undefined,
              serialIn: v.serialIn.trim() || undefined,
              serialOut: v.serialOut.trim() || undefined,
              costMinor: Math.round(Number(v.cost || '0') * 100),
            },
            key,
          }),
        () => {
          form.reset();
          onDone();
        },
      )}
    >
      <h2>{t('refurb.recordAPart')}</h2>
      <Field
        form={form}
        name="partName"
        label={t('refurb.part')}
        placeholder={t('refurb.partExample')}
        required
      />
      <Field form={form} name="partNumber" label={t('refurb.partNumber')} />
      <Field form={form} name="serialIn" label={t('refurb.serialIn')} />
      <Field form={form} name="serialOut" label={t('refurb.serialOut')} />
      <Field
        form={form}
        name="cost"
        label={t('refurb.cost')}
        apiFields={['costMinor']}
        inputMode="decimal"
      />
      <FormFooter form={form} label={t('refurb.recordPart')} busyLabel={t('courier.recording')} />
    </form>
  );
}

/** The warehouse's QC of a repaired unit: the item's own grading standard, graded by the server. */
function QcForm({ order, onDone }: { order: RefurbishmentOrder; onDone: () => void }) {
  const { t } = useTranslation();
  const standard = useLoad(
    async (signal) => {
      const all = await api.get('/grading-standards', {
        query: { code: order.standard?.code, allVersions: true },
        signal,
      });
      const s = all.items.find((x) => x.version === order.standard?.version);
      return s ? api.get('/grading-standards/{id}', { path: { id: s.id }, signal }) : null;
    },
    [order.standard?.code, order.standard?.version],
  );
  const [answers, setAnswers] = useState<Record<string, CheckAnswer>>({});
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // Errors wait until a check was answered or the QC submitted.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const checks = standard.data?.definition.checks ?? [];
  const fieldErrors = error?.fieldErrors() ?? {};
  if (standard.loading && !standard.data)
    return <Loading what={t('inspections.loadingStandard')} />;
  return (
    <form
      aria-label={t('refurb.qc')}
      className="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        setBusy(true);
        setError(null);
        api
          .post('/refurbishments/{id}/qc', {
            path: { id: order.id },
            body: { version: order.version, answers, notes: notes.trim() || undefined },
            key: `qc:${order.id}:v${order.version}`,
          })
          .then(onDone)
          .catch((err: unknown) => setError(asApiError(err)))
          .finally(() => setBusy(false));
      }}
    >
      <h2>{t('refurb.qc')}</h2>
      <ErrorNotice error={standard.error} onRetry={standard.reload} />
      {standard.data === null && <Notice>{t('refurb.noStandard')}</Notice>}
      {standard.data && (
        <p className="muted">
          {t('refurb.qcRule', { name: standard.data.name, version: standard.data.version })}
        </p>
      )}
      {checks.map((c) => (
        <CheckInput
          key={c.id}
          check={c}
          disabled={busy}
          errors={submitted || touched.has(c.id) ? (fieldErrors[`answers.${c.id}`] ?? []) : []}
          value={answers[c.id]}
          onChange={(v) => {
            setTouched((s) => new Set([...s, c.id]));
            setAnswers((a) => {
              const next = { ...a };
              if (v === undefined) delete next[c.id];
              else next[c.id] = v;
              return next;
            });
          }}
        />
      ))}
      <div className="field">
        <label htmlFor="qc-notes">{t('common.notes')}</label>
        <textarea id="qc-notes" rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </div>
      <ErrorNotice error={error} />
      <SubmitWithConfirm
        busy={busy}
        label={t('refurb.submitQc')}
        busyLabel={t('refurb.grading')}
        confirm={t('refurb.confirmQc')}
      />
    </form>
  );
}

interface FormProps {
  order: RefurbishmentOrder;
  done: () => void;
  cancel: () => void;
}

export function RefurbishmentScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const one = useLoad((signal) => api.get('/refurbishments/{id}', { path: { id }, signal }), [id]);
  const o = one.data;
  return (
    <section>
      <p>
        <Link to="/console/refurbishments">← {t('screens.orders')}</Link>
      </p>
      <h1>
        {t('screens.refurbishment')} {o ? `${o.categoryFamily} · ${o.id.slice(0, 8)}` : ''}
      </h1>
      <ErrorNotice error={one.error} onRetry={one.reload} />
      {one.loading && !o && <Loading />}
      {o && (
        <div className="columns">
          <div>
            <p>
              <StateBadge state={o.state} />{' '}
              {t('paperwork.opened', { time: formatTime(o.createdAt) })}
            </p>
            <dl className="facts">
              <dt>{t('refurb.findingsToFix')}</dt>
              <dd>
                {o.findings.length
                  ? o.findings
                      .map((f) => `${f.label} (${severityLabel(f.severity)})`)
                      .join(t('list.separator'))
                  : '—'}
              </dd>
              <dt>{t('refurb.pays')}</dt>
              <dd>
                {o.economics.reason}{' '}
                {t('refurb.economics', {
                  resale: formatMoney(o.economics.expectedResale),
                  repair: formatMoney(o.economics.estimatedRepairCost),
                })}
              </dd>
              <dt>{t('refurb.repair')}</dt>
              <dd>
                {o.repair.startedAt
                  ? t('refurb.startedAt', { time: formatTime(o.repair.startedAt) })
                  : t('refurb.notStarted')}
                {o.repair.finishedAt &&
                  ` · ${t('refurb.finishedAt', { time: formatTime(o.repair.finishedAt) })}`}
                {o.repair.totalCost &&
                  ` · ${t('refurb.total', { amount: formatMoney(o.repair.totalCost) })}`}
              </dd>
              {o.repair.diagnosis && (
                <>
                  <dt>{t('refurb.diagnosis')}</dt>
                  <dd>{o.repair.diagnosis}</dd>
                </>
              )}
              {o.qc && (
                <>
                  <dt>{t('refurb.qc')}</dt>
                  <dd>
                    {t(o.qc.passed ? 'refurb.qcPassed' : 'refurb.qcFailed', {
                      grade: gradeLabel(o.qc.grade),
                    })}{' '}
                    · {o.qc.summary}
                  </dd>
                </>
              )}
              {o.outcomeReason && (
                <>
                  <dt>{t('refurb.outcome')}</dt>
                  <dd>{o.outcomeReason}</dd>
                </>
              )}
            </dl>
            <ActionBar
              resource={o}
              onDone={one.reload}
              actions={{
                'start-repair': {
                  label: t('refurb.start'),
                  form: (done, cancel) => <StartForm order={o} done={done} cancel={cancel} />,
                },
                'finish-repair': {
                  label: t('refurb.finish'),
                  form: (done, cancel) => <FinishForm order={o} done={done} cancel={cancel} />,
                },
                'declare-unrepairable': {
                  label: t('refurb.unrepairable'),
                  danger: true,
                  form: (done, cancel) => (
                    <UnrepairableForm order={o} done={done} cancel={cancel} />
                  ),
                },
              }}
            />
            <h2>{t('refurb.parts')}</h2>
            <Table
              caption={t('refurb.parts')}
              empty={t('refurb.noParts')}
              rows={o.parts ?? []}
              rowKey={(p) => p.id}
              columns={[
                { header: t('refurb.part'), cell: (p) => `${p.partName} ${p.partNumber ?? ''}` },
                { header: t('refurb.serialIn'), cell: (p) => p.serialIn ?? '—' },
                { header: t('refurb.serialOut'), cell: (p) => p.serialOut ?? '—' },
                { header: t('refurb.costCol'), cell: (p) => formatMoney(p.cost), className: 'num' },
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
