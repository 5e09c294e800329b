import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, type Answer, type ApiError, type RequestBody, type Row } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { gradeLabel, severityLabel } from '../../i18n/labels.js';
import { i18n } from '../../i18n/index.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading, Notice, LoadMore } from '../../ui/feedback.js';
import { oneOf, SubmitWithConfirm } from '../../ui/form.js';
import { asApiError, useLoad, usePagedLoad } from '../../ui/hooks.js';
import { PhotoPicker, PhotoThumb } from '../../ui/photos.js';
import { Table } from '../../ui/table.js';
import type { StandardCheck } from '../admin/catalog.js';

type Inspection = Answer<'get', '/inspections/{id}'>;
/** A car's GB/T 30323 condition beside the grade (the API's vehicleCondition). */
type VehicleCondition = NonNullable<Inspection['vehicleCondition']>;
/** A completed inspection's report, or the preview while answering (with what is missing). */
type GradeReport = NonNullable<Inspection['report']> & {
  missing?: string[];
  vehicleCondition?: VehicleCondition | null;
};

/** One check's answer: yes/no, an option's value, a number, or photo ids. */
export type CheckAnswer = RequestBody<'post', '/inspections/{id}/complete'>['answers'][string];

const QUEUE_STATES = ['PENDING', 'IN_PROGRESS', 'COMPLETED'] as const;

/** Category id → name, from the public flat list. */
export function useCategoryNames() {
  const flat = useLoad((signal) => api.get('/categories', { query: { view: 'flat' }, signal }), []);
  return useMemo(() => new Map((flat.data?.items ?? []).map((c) => [c.id, c.name])), [flat.data]);
}

export function InspectionQueueScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState('PENDING');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/inspections', {
        query: { state: oneOf(QUEUE_STATES, state), limit: 100, cursor },
        signal,
      }),
    [state],
  );
  const done = useLoad(
    (signal) => api.get('/inspections', { query: { state: 'COMPLETED', limit: 200 }, signal }),
    [],
  );
  const names = useCategoryNames();
  const chart = useMemo(() => gradeDistribution(done.data?.items ?? [], names), [done.data, names]);
  return (
    <section>
      <h1>{t('inspections.queueTitle')}</h1>
      <div className="columns">
        <div>
          <label className="inline">
            {t('common.show')}{' '}
            <select value={state} onChange={(e) => setState(e.target.value)}>
              <option value="PENDING">{t('inspections.filter.waiting')}</option>
              <option value="IN_PROGRESS">{t('inspections.filter.inProgress')}</option>
              <option value="COMPLETED">{t('inspections.filter.completed')}</option>
            </select>
          </label>
          <ErrorNotice error={list.error} onRetry={list.reload} />
          {list.loading && !list.data ? (
            <Loading />
          ) : (
            <Table
              caption={t('inspections.caption')}
              empty={t('inspections.empty')}
              rows={list.data?.items ?? []}
              rowKey={(i) => i.id}
              columns={[
                {
                  header: t('inspections.col.item'),
                  cell: (i) => (
                    <Link to={`/console/warehouse/inspections/${i.id}`}>
                      {i.item?.traceCode ?? i.itemId}
                    </Link>
                  ),
                },
                {
                  header: t('inspections.col.category'),
                  cell: (i) => names.get(i.item?.categoryId ?? '') ?? '—',
                },
                { header: t('inspections.col.since'), cell: (i) => formatTime(i.createdAt) },
                { header: t('common.state'), cell: (i) => <StateBadge state={i.state} /> },
                { header: t('inspections.col.grade'), cell: (i) => gradeLabel(i.grade) },
              ]}
            />
          )}
          <LoadMore list={list} />
        </div>
        <BarPanel
          title={t('inspections.chartTitle')}
          stacked
          labels={chart.labels}
          series={chart.series}
        />
      </div>
    </section>
  );
}

function gradeDistribution(items: Array<Row<'/inspections'>>, names: Map<string, string>) {
  const counts = new Map<string, Record<string, number>>();
  for (const i of items) {
    if (!i.grade) continue;
    const cat = names.get(i.item?.categoryId ?? '') ?? i18n.t('inspections.unknownCategory');
    const row = counts.get(cat) ?? { premium: 0, good: 0, scrap: 0 };
    row[i.grade] = (row[i.grade] ?? 0) + 1;
    counts.set(cat, row);
  }
  const labels = [...counts.keys()].sort();
  const colours: Record<string, string> = { premium: '#2f6f4f', good: '#c28a00', scrap: '#b3261e' };
  return {
    labels,
    series: ['premium', 'good', 'scrap'].map((g) => ({
      label: gradeLabel(g),
      color: colours[g],
      values: labels.map((l) => counts.get(l)?.[g] ?? 0),
    })),
  };
}

/** One input per check of the standard; answers keyed by check id, as the API takes them. */
export function CheckInput({
  check,
  value,
  onChange,
  disabled,
  errors,
}: {
  check: StandardCheck;
  value: CheckAnswer | undefined;
  onChange: (v: CheckAnswer | undefined) => void;
  disabled: boolean;
  errors: string[];
}) {
  const { t } = useTranslation();
  const id = `check-${check.id}`;
  const label = (
    <label htmlFor={id}>
      {check.label}
      {check.required && ' *'}
      {check.kind === 'number' && check.unit && ` (${check.unit})`}
    </label>
  );
  let input;
  switch (check.kind) {
    case 'boolean':
      // Pass/fail checks: two big Yes/No buttons (a radio pair), one tap each.
      return (
        <fieldset
          className={`field check-toggle ${errors.length ? 'invalid' : ''}`}
          aria-describedby={check.help ? `${id}-hint` : undefined}
        >
          <legend id={id}>
            {check.label}
            {check.required && ' *'}
          </legend>
          <div className="toggle">
            {[true, false].map((answer) => (
              <label key={String(answer)}>
                <input
                  type="radio"
                  name={id}
                  value={String(answer)}
                  disabled={disabled}
                  checked={value === answer}
                  onChange={() => onChange(answer)}
                />
                {answer ? t('common.yes') : t('common.no')}
              </label>
            ))}
          </div>
          {check.help && (
            <small id={`${id}-hint`} className="hint">
              {check.help}
            </small>
          )}
          {errors.length > 0 && (
            <small className="field-error">{errors.join(t('list.separator'))}</small>
          )}
        </fieldset>
      );
    case 'choice':
      if (check.scoreSection) {
        // An inspection item: one tap per severity (no defect / minor / severe), with points.
        return (
          <fieldset
            className={`field check-toggle ${errors.length ? 'invalid' : ''}`}
            aria-describedby={check.help ? `${id}-hint` : undefined}
          >
            <legend id={id}>
              {check.label}
              {check.required && ' *'}
            </legend>
            <div className="toggle">
              {(check.options ?? []).map((o) => (
                <label key={o.value}>
                  <input
                    type="radio"
                    name={id}
                    value={o.value}
                    disabled={disabled}
                    checked={value === o.value}
                    onChange={() => onChange(o.value)}
                  />
                  {t(`inspections.item.${o.value}`, { defaultValue: o.label })}
                  {o.points ? ` −${o.points}` : ''}
                </label>
              ))}
            </div>
            {check.help && (
              <small id={`${id}-hint`} className="hint">
                {check.help}
              </small>
            )}
            {errors.length > 0 && (
              <small className="field-error">{errors.join(t('list.separator'))}</small>
            )}
          </fieldset>
        );
      }
      input = (
        <select
          id={id}
          disabled={disabled}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">—</option>
          {(check.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'number':
      input = (
        <input
          id={id}
          type="number"
          disabled={disabled}
          min={check.min}
          max={check.max}
          step={check.integer ? 1 : 'any'}
          value={typeof value === 'number' ? value : ''}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
      break;
    case 'photo':
      // The phone's camera (or files on a desktop): each photo is uploaded at once, its
      // thumbnail shown, and the answer is the uploaded photos' ids.
      input = (
        <PhotoPicker
          id={id}
          purpose="inspection"
          disabled={disabled}
          min={check.minPhotos ?? 1}
          value={Array.isArray(value) ? value : []}
          onChange={(ids) => onChange(ids.length ? ids : undefined)}
        />
      );
      break;
  }
  return (
    <div className={`field ${errors.length ? 'invalid' : ''}`}>
      {label}
      {input}
      {check.help && <small className="hint">{check.help}</small>}
      {errors.length > 0 && (
        <small className="field-error">{errors.join(t('list.separator'))}</small>
      )}
    </div>
  );
}

export function GradeReportView({ report }: { report: GradeReport }) {
  const { t } = useTranslation();
  return (
    <div className={`report grade-box-${report.grade}`} aria-label={t('inspections.computed')}>
      <p>
        {t('inspections.gradeIs')}{' '}
        <span className={`grade grade-${report.grade}`}>{gradeLabel(report.grade)}</span>
        {report.hold && <span className="tag warn">{t('inspections.hold')}</span>}
        {report.score !== null && <> · {t('inspections.score', { score: report.score })}</>}
      </p>
      {report.vehicleCondition && <VehicleConditionView condition={report.vehicleCondition} />}
      {report.missing && report.missing.length > 0 && (
        <p className="muted">{t('inspections.itemsLeft', { count: report.missing.length })}</p>
      )}
      <p>{report.summary}</p>
      {report.reasons.length > 0 && (
        <ul>
          {report.reasons.map((r) => (
            <li key={r.checkId}>
              {r.label}
              {t('list.colon')}
              <b>{severityLabel(r.severity)}</b> → {r.ruleLabel}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** GB/T 30323: the level, the accident grade and each section's points, as computed. */
export function VehicleConditionView({ condition }: { condition: VehicleCondition }) {
  const { t } = useTranslation();
  return (
    <div className="vehicle-condition" aria-label={t('inspections.vehicle.title')}>
      <p>
        <b>{t(`inspections.vehicle.level${condition.level}`)}</b> ·{' '}
        {t('inspections.vehicle.accident', {
          grade: condition.accidentGrade,
          label: t(`inspections.vehicle.accidentGrade${condition.accidentGrade}`),
        })}
      </p>
      <ul className="section-points">
        {condition.areas.map((a) => (
          <li key={a.checkId}>
            {t(`inspections.vehicle.area.${a.checkId.replace(/_score$/, '')}`, {
              defaultValue: a.area,
            })}
            {t('list.colon')}
            {t('inspections.vehicle.points', { points: a.points, max: a.maxPoints })}
          </li>
        ))}
      </ul>
    </div>
  );
}

function InspectionForm({ inspection, onDone }: { inspection: Inspection; onDone: () => void }) {
  const { t } = useTranslation();
  const standard = useLoad(
    (signal) =>
      api.get('/grading-standards/{id}', { path: { id: inspection.standard!.id }, signal }),
    [inspection.standard?.id],
  );
  const [answers, setAnswers] = useState<Record<string, CheckAnswer>>({});
  const [notes, setNotes] = useState('');
  const [preview, setPreview] = useState<GradeReport | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  // Errors wait until a check was answered or the grade submitted (none on an untouched form).
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);

  // The grade and reasons follow the answers as they are typed (the server's rules, not ours).
  useEffect(() => {
    const ctrl = new AbortController();
    const timer = window.setTimeout(() => {
      setPreviewing(true);
      api
        .post('/inspections/{id}/preview', {
          path: { id: inspection.id },
          // Provisional while answering: unanswered items are listed, not refused.
          body: { answers, partial: true },
          signal: ctrl.signal,
        })
        .then((r) => {
          setPreview(r);
          setError(null);
        })
        .catch((err: unknown) => {
          if ((err as Error).name !== 'AbortError') setError(asApiError(err));
        })
        .finally(() => setPreviewing(false));
    }, 250);
    return () => {
      window.clearTimeout(timer);
      ctrl.abort();
    };
  }, [answers, inspection.id]);

  const checks = standard.data?.definition.checks ?? [];
  const fieldErrors = error?.fieldErrors() ?? {};
  const sections = [...new Set(checks.map((c) => c.section ?? ''))];
  const submit = () => {
    setSubmitted(true);
    setBusy(true);
    setError(null);
    api
      .post('/inspections/{id}/complete', {
        path: { id: inspection.id },
        body: { version: inspection.version, answers, notes: notes.trim() || undefined },
        // One grading of this version of the inspection: a retry replays, never grades twice.
        key: `complete:${inspection.id}:v${inspection.version}`,
      })
      .then(onDone)
      .catch((err: unknown) => setError(asApiError(err)))
      .finally(() => setBusy(false));
  };
  if (standard.loading && !standard.data)
    return <Loading what={t('inspections.loadingStandard')} />;
  const shownErrors = (id: string) =>
    submitted || touched.has(id) ? (fieldErrors[`answers.${id}`] ?? []) : [];
  return (
    <form
      aria-label={t('screens.inspection')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <ErrorNotice error={standard.error} onRetry={standard.reload} />
      {standard.data && (
        <p className="muted">
          {standard.data.name} v{standard.data.version}
        </p>
      )}
      <div className="columns">
        <div>
          {sections.map((s) => (
            <fieldset key={s}>
              {s && <legend>{s}</legend>}
              {checks
                .filter((c) => (c.section ?? '') === s)
                .map((c) => (
                  <CheckInput
                    key={c.id}
                    check={c}
                    disabled={busy}
                    errors={shownErrors(c.id)}
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
            </fieldset>
          ))}
          <div className="field">
            <label htmlFor="inspection-notes">{t('common.notes')}</label>
            <textarea
              id="inspection-notes"
              rows={3}
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
            />
          </div>
        </div>
        <aside className="sticky grade-dock">
          <h2>
            {t('inspections.computed')}{' '}
            {previewing && (
              <span className="spinner" role="img" aria-label={t('inspections.computing')} />
            )}
          </h2>
          {preview ? (
            <GradeReportView report={preview} />
          ) : (
            <p className="muted">{t('inspections.answerChecks')}</p>
          )}
          {(submitted || touched.size > 0) && <ErrorNotice error={error} />}
          <SubmitWithConfirm
            busy={busy}
            label={
              preview
                ? t('inspections.submitAs', { grade: gradeLabel(preview.grade) })
                : t('inspections.submit')
            }
            busyLabel={t('inspections.submitting')}
            confirm={t('inspections.confirmSubmit')}
          />
        </aside>
      </div>
    </form>
  );
}

export function InspectionScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const insp = useLoad((signal) => api.get('/inspections/{id}', { path: { id }, signal }), [id]);
  const i = insp.data;
  return (
    <section>
      <p>
        <Link to="/console/warehouse/inspections">← {t('inspections.queueTitle')}</Link>
      </p>
      <h1>{t('inspections.title', { code: i?.item?.traceCode ?? '' })}</h1>
      <ErrorNotice error={insp.error} onRetry={insp.reload} />
      {insp.loading && !i && <Loading />}
      {i && (
        <>
          <p>
            <StateBadge state={i.state} />{' '}
            {i.claimedAt && t('inspections.claimedAt', { time: formatTime(i.claimedAt) })}{' '}
            {i.completedAt &&
              `· ${t('inspections.completedAt', { time: formatTime(i.completedAt) })}`}
          </p>
          <ActionBar
            resource={i}
            onDone={insp.reload}
            actions={{
              claim: {
                label: t('inspections.claim'),
                run: (key) =>
                  api.post('/inspections/{id}/claim', {
                    path: { id: i.id },
                    body: { version: i.version },
                    key,
                  }),
              },
              release: {
                label: t('inspections.release'),
                run: (key) =>
                  api.post('/inspections/{id}/release', {
                    path: { id: i.id },
                    body: { version: i.version },
                    key,
                  }),
              },
              confirm: {
                label: t('inspections.confirm'),
                run: (key) =>
                  api.post('/inspections/{id}/confirm', {
                    path: { id: i.id },
                    body: { version: i.version },
                    key,
                  }),
              },
            }}
          />
          {i.state === 'IN_PROGRESS' && i.allowedActions.includes('complete') && i.standard && (
            <InspectionForm inspection={i} onDone={insp.reload} />
          )}
          {i.report && (
            <>
              <Notice kind="ok">{t('inspections.graded')}</Notice>
              <GradeReportView
                report={{ ...i.report, vehicleCondition: i.vehicleCondition ?? null }}
              />
              {(i.attachedPhotos ?? []).length > 0 && (
                <section aria-label={t('photos.title')}>
                  <h2>{t('photos.title')}</h2>
                  <div className="photo-strip">
                    {(i.attachedPhotos ?? []).map((p, n) => (
                      <PhotoThumb key={p.id} id={p.id} alt={t('photos.nth', { n: n + 1 })} />
                    ))}
                  </div>
                </section>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
