import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, session, type RequestBody, type Row } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { i18n } from '../../i18n/index.js';
import { numberText } from '../../i18n/format.js';
import { stateLabel } from '../../i18n/labels.js';
import { Confirm, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import { localInvalid, oneOf } from '../../ui/form.js';
import { useAction, useLoad, usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

type Erasure = Row<'/erasures'>;
type Station = Row<'/stations'>;
type Phase = NonNullable<Erasure['progress']>['phase'];
type SignedReport = RequestBody<'post', '/erasures/{id}/import-report'>;
const PHASES: readonly Phase[] = ['starting', 'erasing', 'blanking', 'verifying', 'sampling'];

const STATES = ['QUEUED', 'RUNNING', 'VERIFYING', 'SUCCEEDED', 'FAILED'] as const;

/** What `station sign-report` prints: the report, the station and its signature. */
function isSignedReport(v: unknown): v is SignedReport {
  return (
    typeof v === 'object' &&
    v !== null &&
    'content' in v &&
    typeof v.content === 'string' &&
    'stationId' in v &&
    typeof v.stationId === 'string' &&
    'signature' in v &&
    typeof v.signature === 'string'
  );
}

/** The certificate PDF needs the bearer token, so it is fetched and handed over as a file. */
async function downloadCertificate(id: string, number: string) {
  const res = await fetch(`/api/v1/certificates/${id}/pdf`, {
    headers: { authorization: `Bearer ${session.token ?? ''}` },
  });
  if (!res.ok) {
    throw new ApiError({
      statusCode: res.status,
      error: res.statusText,
      message: await res.text(),
    });
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${number}.pdf`;
  a.click();
  URL.revokeObjectURL(url);
}

/** Where a wipe runs and how far it got (progress comes from the station while it runs). */
function stationCell(e: Erasure, stations: Station[]) {
  if (!e.stationId) return e.state === 'QUEUED' ? i18n.t('erasures.notAssigned') : '';
  const name = stations.find((s) => s.id === e.stationId)?.name ?? e.stationId.slice(0, 8);
  const p = e.progress;
  if (!p) return `${name} ${e.device ?? ''}`;
  const phase = PHASES.includes(p.phase) ? i18n.t(`erasures.phases.${p.phase}`) : p.phase;
  const pass = p.pass
    ? ` ${i18n.t('erasures.pass', { pass: p.pass, passes: p.passes ?? '?' })}`
    : '';
  const percent = numberText(Math.floor(p.percent), i18n.language);
  return `${name} ${e.device ?? ''} — ${i18n.t('erasures.progress', { phase, percent })}${pass}`;
}

/** Put a queued wipe on a station, or import a vendor report signed by a station. */
function ManageErasure({
  erasure,
  stations,
  onDone,
}: {
  erasure: Erasure;
  stations: Station[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [stationId, setStationId] = useState(stations.find((s) => !s.revoked)?.id ?? '');
  const [device, setDevice] = useState('/dev/sdb');
  const [signed, setSigned] = useState('');
  const assign = useAction(async () => {
    setAsking(false);
    await api.post('/erasures/{id}/assign-station', {
      path: { id: erasure.id },
      body: { stationId, device, version: erasure.version },
    });
    onDone();
  });
  const importReport = useAction(async () => {
    let body: unknown;
    try {
      body = JSON.parse(signed);
    } catch {
      body = null;
    }
    if (!isSignedReport(body)) {
      throw localInvalid([{ field: 'report', errors: [t('erasures.import.notJson')] }]);
    }
    await api.post('/erasures/{id}/import-report', { path: { id: erasure.id }, body });
    onDone();
  });
  return (
    <div className="panel">
      <h2>{t('erasures.manageTitle', { item: erasure.itemId.slice(0, 8) })}</h2>
      {erasure.runs.length > 0 && (
        <Table
          caption={t('erasures.runs.caption')}
          empty=""
          rows={erasure.runs}
          rowKey={(r) => `${r.attempt}-${r.finishedAt}`}
          columns={[
            { header: t('erasures.runs.try'), cell: (r) => String(r.attempt), className: 'num' },
            { header: t('erasures.runs.tool'), cell: (r) => `${r.tool.name} ${r.tool.version}` },
            {
              header: t('erasures.runs.result'),
              cell: (r) =>
                r.status === 'succeeded' || r.status === 'failed'
                  ? t(`erasures.runs.status.${r.status}`)
                  : r.status,
            },
            { header: t('erasures.runs.why'), cell: (r) => r.failureReason ?? '' },
            { header: t('erasures.runs.finished'), cell: (r) => formatTime(r.finishedAt) },
          ]}
        />
      )}
      {erasure.nextAttemptAt && (
        <p>{t('erasures.nextTry', { time: formatTime(erasure.nextAttemptAt) })}</p>
      )}
      {erasure.allowedActions.includes('assign-station') && (
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            // Enter in the device field asks first too.
            if (asking) void assign.run();
            else setAsking(true);
          }}
        >
          <h3>{t('erasures.assign.title')}</h3>
          <label>
            {t('erasures.assign.station')}{' '}
            <select value={stationId} onChange={(ev) => setStationId(ev.target.value)}>
              {stations
                .filter((s) => !s.revoked)
                .map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
            </select>
          </label>{' '}
          <label>
            {t('erasures.assign.device')}{' '}
            <input value={device} onChange={(ev) => setDevice(ev.target.value)} />
          </label>{' '}
          {asking ? (
            // Wiping destroys whatever is on the device: asked once, with the device named.
            <Confirm
              question={t('erasures.assign.submit')}
              consequence={t('erasures.assign.confirm', { device })}
              busy={assign.busy}
              submit
              onNo={() => setAsking(false)}
            />
          ) : (
            <button
              type="button"
              className="primary"
              disabled={assign.busy || !stationId || !device.trim()}
              onClick={() => setAsking(true)}
            >
              {t('erasures.assign.submit')}
            </button>
          )}
          <ErrorNotice error={assign.error} />
        </form>
      )}
      {erasure.allowedActions.includes('import-report') && (
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            void importReport.run();
          }}
        >
          <h3>{t('erasures.import.title')}</h3>
          <textarea
            aria-label={t('erasures.import.label')}
            rows={6}
            value={signed}
            placeholder='{"content": "...", "stationId": "...", "signature": "..."}'
            onChange={(ev) => setSigned(ev.target.value)}
          />
          <button type="submit" disabled={importReport.busy || !signed.trim()}>
            {t('erasures.import.submit')}
          </button>
          <ErrorNotice
            error={importReport.error}
            fieldLabels={{ report: t('erasures.import.label') }}
          />
        </form>
      )}
    </div>
  );
}

export function ErasuresScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/erasures', {
        query: { state: oneOf(STATES, state), limit: 100, cursor },
        signal,
      }),
    [state],
  );
  const stations = useLoad((signal) => api.get('/stations', { signal }), []);
  const download = useAction(downloadCertificate);
  // Wipes on a station move on their own: refresh while one is queued or running there.
  const active = (list.data?.items ?? []).some(
    (e) => e.stationId !== null && (e.state === 'RUNNING' || e.state === 'QUEUED'),
  );
  const { reload } = list;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [active, reload]);
  const chosen = list.data?.items.find((e) => e.id === selected);
  return (
    <section>
      <h1>{t('erasures.title')}</h1>
      <label className="inline">
        {t('common.state')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          {['', ...STATES].map((s) => (
            <option key={s} value={s}>
              {s ? stateLabel(s) : t('common.all')}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error ?? download.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('erasures.caption')}
          empty={t('erasures.empty')}
          rows={list.data?.items ?? []}
          rowKey={(e) => e.id}
          columns={[
            { header: t('erasures.col.item'), cell: (e) => e.itemId.slice(0, 8) },
            { header: t('erasures.col.where'), cell: (e) => t(`erasures.places.${e.place}`) },
            { header: t('common.state'), cell: (e) => <StateBadge state={e.state} /> },
            {
              header: t('erasures.col.attempt'),
              cell: (e) => `${e.attempt}/${e.maxAttempts}`,
              className: 'num',
            },
            {
              header: t('erasures.col.station'),
              cell: (e) => stationCell(e, stations.data?.items ?? []),
            },
            { header: t('erasures.col.problem'), cell: (e) => e.failureReason ?? '' },
            { header: t('erasures.col.done'), cell: (e) => formatTime(e.completedAt) },
            {
              header: t('erasures.col.certificate'),
              cell: (e) =>
                e.certificate ? (
                  <button
                    type="button"
                    className="link"
                    disabled={download.busy}
                    onClick={() =>
                      void download.run(e.certificate!.id, e.certificate!.certificateId)
                    }
                  >
                    {e.certificate.certificateId}
                    {e.certificate.revoked && ` ${t('erasures.revoked')}`}
                  </button>
                ) : (
                  '—'
                ),
            },
            {
              header: '',
              cell: (e) => (
                <button type="button" className="link" onClick={() => setSelected(e.id)}>
                  {t('erasures.manage')}
                </button>
              ),
            },
          ]}
        />
      )}
      <LoadMore list={list} />
      {chosen && (
        <ManageErasure
          key={chosen.id}
          erasure={chosen}
          stations={stations.data?.items ?? []}
          onDone={list.reload}
        />
      )}
    </section>
  );
}
