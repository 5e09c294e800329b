import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Row } from '../../api/client.js';
import { formatTime, formatYuan } from '../../api/types.js';
import { useMe } from '../../auth.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

type LineStatus = Row<'/reconciliations/{id}/lines'>['status'];
const STATUSES: LineStatus[] = ['missing-ours', 'missing-theirs', 'amount-mismatch', 'matched'];

type ReconciliationRun = Row<'/reconciliations'>;

/** Yesterday in China time, the day a statement is usually reconciled for. */
function yesterdayInChina(): string {
  const d = new Date(Date.now() + 8 * 3600_000 - 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Admin: reconcile a day, from the provider's file or fetched from the provider. */
function ReconcileForm({ onDone }: { onDone(run: ReconciliationRun): void }) {
  const { t } = useTranslation();
  const form = useForm({ day: yesterdayInChina(), content: '' });
  const [fileName, setFileName] = useState('');
  const [fileInput, setFileInput] = useState(0); // a new key empties the file input
  return (
    <form
      className="card"
      aria-label={t('reconciliation.run')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/reconciliations', {
            body: { day: v.day, ...(v.content ? { content: v.content } : {}) },
            key,
          }),
        (run) => {
          form.reset();
          setFileName('');
          setFileInput((n) => n + 1);
          onDone(run);
        },
      )}
    >
      <h2>{t('reconciliation.run')}</h2>
      <Field form={form} name="day" type="date" label={t('reconciliation.day')} required />
      <div className="field">
        <label>
          {t('reconciliation.file')}{' '}
          <input
            key={fileInput}
            type="file"
            accept=".csv,text/csv,text/plain"
            disabled={form.busy}
            onChange={(e) => {
              const file = e.target.files?.[0];
              setFileName(file?.name ?? '');
              if (file) void file.text().then((text) => form.set('content', text));
              else form.set('content', '');
            }}
          />
        </label>
        <small className="hint">{fileName || t('reconciliation.fileHint')}</small>
      </div>
      <FormFooter form={form} label={t('reconciliation.run')} busyLabel={t('common.working')} />
    </form>
  );
}

function Lines({ run }: { run: ReconciliationRun }) {
  const { t } = useTranslation();
  // "Mismatches" (the default when there are any) is every line but the matched ones.
  const [filter, setFilter] = useState<LineStatus | 'mismatches' | ''>(
    run.counts.missingOurs + run.counts.missingTheirs + run.counts.amountMismatch > 0
      ? 'mismatches'
      : '',
  );
  const status = filter === 'mismatches' ? '' : filter;
  const lines = usePagedLoad(
    (cursor, signal) =>
      api.get('/reconciliations/{id}/lines', {
        path: { id: run.id },
        query: { status: status || undefined, cursor, limit: 200 },
        signal,
      }),
    [run.id, status],
  );
  const shown =
    filter === 'mismatches' ? lines.items.filter((l) => l.status !== 'matched') : lines.items;
  return (
    <div className="card">
      <h2>{t('reconciliation.report', { day: run.day })}</h2>
      <p className="filters">
        <label>
          {t('common.show')}{' '}
          <select
            value={filter}
            onChange={(e) => setFilter(e.target.value as LineStatus | 'mismatches' | '')}
          >
            <option value="mismatches">{t('reconciliation.mismatches')}</option>
            <option value="">{t('common.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`reconciliation.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </p>
      <ErrorNotice error={lines.error} onRetry={lines.reload} />
      {lines.loading && !lines.data ? (
        <Loading />
      ) : (
        <Table
          rows={shown}
          rowKey={(l) => l.id}
          empty={t('reconciliation.noLines')}
          columns={[
            {
              header: t('reconciliation.col.status'),
              cell: (l) => (
                <span className={l.status === 'matched' ? 'tag' : 'tag warn'}>
                  {t(`reconciliation.status.${l.status}`)}
                </span>
              ),
            },
            {
              header: t('reconciliation.col.kind'),
              cell: (l) => t(`reconciliation.kind.${l.kind}`),
            },
            { header: t('reconciliation.col.ourRef'), cell: (l) => <code>{l.ourRef}</code> },
            {
              header: t('reconciliation.col.theirs'),
              cell: (l) => formatYuan(l.theirAmountMinor, l.currency),
            },
            {
              header: t('reconciliation.col.ours'),
              cell: (l) => formatYuan(l.ourAmountMinor, l.currency),
            },
            {
              header: t('reconciliation.col.at'),
              cell: (l) => formatTime(l.theirAt ?? l.ourAt),
            },
          ]}
        />
      )}
      <LoadMore list={lines} />
    </div>
  );
}

/**
 * The day's reconciliation: each run with its counts (matched, missing on our side or the
 * provider's, amount mismatches), and a run's report line by line. Every mismatch has a support
 * case already; this screen is where finance sees the day at a glance.
 */
export function ReconciliationScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const [open, setOpen] = useState<ReconciliationRun | null>(null);
  const runs = usePagedLoad(
    (cursor, signal) => api.get('/reconciliations', { query: { cursor }, signal }),
    [],
  );
  return (
    <section>
      <h1>{t('screens.reconciliation')}</h1>
      <p className="muted">{t('reconciliation.intro')}</p>
      {me.role === 'admin' && (
        <ReconcileForm
          onDone={(run) => {
            runs.reload();
            setOpen(run);
          }}
        />
      )}
      <ErrorNotice error={runs.error} onRetry={runs.reload} />
      {runs.loading && !runs.data ? (
        <Loading />
      ) : (
        <Table
          rows={runs.items}
          rowKey={(r) => r.id}
          empty={t('reconciliation.none')}
          columns={[
            { header: t('reconciliation.day'), cell: (r) => r.day },
            { header: t('reconciliation.col.provider'), cell: (r) => r.provider },
            {
              header: t('reconciliation.col.source'),
              cell: (r) => t(`reconciliation.source.${r.source}`),
            },
            { header: t('reconciliation.status.matched'), cell: (r) => r.counts.matched },
            { header: t('reconciliation.status.missing-ours'), cell: (r) => r.counts.missingOurs },
            {
              header: t('reconciliation.status.missing-theirs'),
              cell: (r) => r.counts.missingTheirs,
            },
            {
              header: t('reconciliation.status.amount-mismatch'),
              cell: (r) => r.counts.amountMismatch,
            },
            { header: t('reconciliation.col.when'), cell: (r) => formatTime(r.createdAt) },
            {
              header: '',
              cell: (r) => (
                <button type="button" onClick={() => setOpen(r)}>
                  {t('reconciliation.open')}
                </button>
              ),
            },
          ]}
        />
      )}
      <LoadMore list={runs} />
      {open && <Lines key={open.id} run={open} />}
    </section>
  );
}
