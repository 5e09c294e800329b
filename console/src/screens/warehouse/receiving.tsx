import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fetchWithSession, type Row } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { errorMessage } from '../../i18n/errors.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { asApiError, useAction, useLoad } from '../../ui/hooks.js';
import { ScanField } from '../../ui/scan.js';
import { oneOf } from '../../ui/form.js';
import { Table } from '../../ui/table.js';

type Parcel = Row<'/receiving/parcels'>;
const PARCEL_STATES = ['EXPECTED', 'RECEIVED', 'RECEIVED_WITH_EXCEPTIONS'] as const;

interface LogLine {
  code: string;
  ok: boolean;
  text: string;
}

export function ReceivingScreen() {
  const { t } = useTranslation();
  const parcels = useLoad(
    (signal) => api.get('/receiving/parcels', { query: { state: 'EXPECTED' }, signal }),
    [],
  );
  const [log, setLog] = useState<LogLine[]>([]);
  const scan = useAction(async (code: string) => {
    try {
      const r = await api.post('/receiving/scan', { body: { code } });
      const what =
        r.matched.kind === 'seal'
          ? t('receiving.seal')
          : t('receiving.item', { code: r.matched.traceCode });
      const left = r.parcel.items.filter((i) => !i.scanned).length;
      setLog((l) => [
        {
          code,
          ok: true,
          text: r.received
            ? t('receiving.received', { what, count: r.parcel.items.length })
            : t('receiving.found', { what, left }),
        },
        ...l,
      ]);
      parcels.reload();
    } catch (err) {
      setLog((l) => [{ code, ok: false, text: errorMessage(asApiError(err).body).text }, ...l]);
      throw err;
    }
  });
  return (
    <section>
      <h1>{t('screens.receiving')}</h1>
      <div className="columns">
        <div>
          <ScanField label={t('receiving.scan')} onScan={(c) => void scan.run(c)} />
          {scan.busy && <Loading what={t('receiving.checking')} />}
          <ErrorNotice error={scan.error} />
          <ol className="scan-log" aria-label={t('receiving.scans')}>
            {log.map((l, i) => (
              <li key={i} className={l.ok ? 'ok' : 'bad'}>
                <code>{l.code}</code> — {l.text}
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h2>{t('receiving.onTheirWay')}</h2>
          <ErrorNotice error={parcels.error} onRetry={parcels.reload} />
          {parcels.loading && !parcels.data ? (
            <Loading />
          ) : (
            <Table
              caption={t('receiving.caption')}
              empty={t('receiving.empty')}
              rows={parcels.data?.items ?? []}
              rowKey={(p) => p.id}
              columns={[
                {
                  header: t('receiving.col.items'),
                  cell: (p) =>
                    p.items.map((i) => (
                      <span key={i.id} className={`tag ${i.scanned ? '' : 'warn'}`}>
                        {i.traceCode}
                      </span>
                    )),
                },
                {
                  header: t('receiving.col.sealed'),
                  cell: (p) => (p.sealed ? t('common.yes') : t('common.no')),
                },
                { header: t('receiving.col.delivered'), cell: (p) => formatTime(p.deliveredAt) },
                { header: t('common.state'), cell: (p) => <StateBadge state={p.state} /> },
                {
                  header: t('receiving.col.close'),
                  cell: (p) => (
                    <ActionBar
                      resource={p}
                      onDone={parcels.reload}
                      actions={{
                        receive: {
                          label: t('receiving.receive'),
                          confirm: t('receiving.confirmReceive'),
                          run: (key) =>
                            api.post('/receiving/parcels/{id}/receive', {
                              path: { id: p.id },
                              body: { version: p.version },
                              key,
                            }),
                        },
                      }}
                    />
                  ),
                },
              ]}
            />
          )}
        </div>
      </div>
      <LabelPrinting />
    </section>
  );
}

const LABEL_SIZES = ['50x30', '40x30', '60x40'] as const;

/**
 * The trace-code labels as one PDF (POST /receiving/labels), handed to the browser as a file
 * for the thermal printer: the chosen items, or the whole parcel when none is chosen.
 */
async function printLabels(body: { parcelId?: string; itemIds?: string[]; size: string }) {
  const res = await fetchWithSession('/api/v1/receiving/labels', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const text = await res.text();
    let parsed: { statusCode: number; error: string; message: string };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      parsed = { statusCode: res.status, error: res.statusText, message: text };
    }
    throw new ApiError(parsed);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `labels-${new Date().toISOString().slice(0, 10)}.pdf`;
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Batch printing of trace-code QR labels at receiving: pick items or a whole parcel. */
export function LabelPrinting() {
  const { t } = useTranslation();
  const [state, setState] = useState('RECEIVED');
  const [size, setSize] = useState<string>('50x30');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [done, setDone] = useState<string | null>(null);
  const parcels = useLoad(
    (signal) =>
      api.get('/receiving/parcels', {
        query: { state: oneOf(PARCEL_STATES, state), limit: 50 },
        signal,
      }),
    [state],
  );
  const print = useAction(async (p: Parcel) => {
    const picked = p.items.filter((i) => chosen.has(i.id)).map((i) => i.id);
    await printLabels(picked.length ? { itemIds: picked, size } : { parcelId: p.id, size });
    setDone(t('labels.printed', { count: picked.length || p.items.length }));
  });
  const toggle = (id: string) =>
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <section aria-labelledby="labels-title">
      <h2 id="labels-title">{t('labels.title')}</h2>
      <p className="muted">{t('labels.help')}</p>
      <div className="inline-fields">
        <label className="inline">
          {t('common.show')}{' '}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="RECEIVED">{t('labels.received')}</option>
            <option value="EXPECTED">{t('labels.expected')}</option>
          </select>
        </label>{' '}
        <label className="inline">
          {t('labels.size')}{' '}
          <select value={size} onChange={(e) => setSize(e.target.value)}>
            {LABEL_SIZES.map((s) => (
              <option key={s} value={s}>
                {t('labels.sizeMm', { size: s.replace('x', ' × ') })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNotice error={parcels.error} onRetry={parcels.reload} />
      <ErrorNotice error={print.error} />
      {done && !print.busy && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      {parcels.loading && !parcels.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('labels.caption')}
          empty={t('labels.empty')}
          rows={parcels.data?.items ?? []}
          rowKey={(p) => p.id}
          columns={[
            {
              header: t('receiving.col.items'),
              cell: (p) => (
                <fieldset className="label-picks">
                  <legend className="sr-only">
                    {t('labels.pickFor', { count: p.items.length })}
                  </legend>
                  {p.items.map((i) => (
                    <label key={i.id} className="tag">
                      <input
                        type="checkbox"
                        checked={chosen.has(i.id)}
                        onChange={() => toggle(i.id)}
                      />{' '}
                      {i.traceCode}
                    </label>
                  ))}
                </fieldset>
              ),
            },
            { header: t('common.state'), cell: (p) => <StateBadge state={p.state} /> },
            {
              header: t('labels.print'),
              cell: (p) => {
                const picked = p.items.filter((i) => chosen.has(i.id)).length;
                return (
                  <button
                    type="button"
                    disabled={print.busy || p.items.length === 0}
                    onClick={() => void print.run(p)}
                  >
                    {picked
                      ? t('labels.printChosen', { count: picked })
                      : t('labels.printParcel', { count: p.items.length })}
                  </button>
                );
              },
            },
          ]}
        />
      )}
    </section>
  );
}
