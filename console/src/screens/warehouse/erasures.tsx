import { useEffect, useState } from 'react';
import { api, session, type Page } from '../../api/client.js';
import { formatTime, type Stateful } from '../../api/types.js';
import { StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useAction, useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import { ApiError } from '../../api/client.js';

interface Erasure extends Stateful {
  itemId: string;
  place: string;
  attempt: number;
  maxAttempts: number;
  failureReason: string | null;
  stationId: string | null;
  device: string | null;
  progress: { phase: string; percent: number; pass?: number; passes?: number } | null;
  nextAttemptAt: string | null;
  runs: Array<{
    attempt: number;
    status: string;
    tool: { name: string; version: string };
    failureReason?: string;
    finishedAt: string;
  }>;
  certificate: { id: string; certificateId: string; revoked: boolean } | null;
  completedAt: string | null;
  createdAt: string;
}

const STATES = ['', 'QUEUED', 'RUNNING', 'VERIFYING', 'SUCCEEDED', 'FAILED'];

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

interface Station {
  id: string;
  name: string;
  revoked: boolean;
  lastSeenAt: string | null;
}

/** Where a wipe runs and how far it got (progress comes from the station while it runs). */
function stationCell(e: Erasure, stations: Station[]) {
  if (!e.stationId) return e.state === 'QUEUED' ? 'not assigned' : '';
  const name = stations.find((s) => s.id === e.stationId)?.name ?? e.stationId.slice(0, 8);
  const p = e.progress;
  return `${name} ${e.device ?? ''}${
    p
      ? ` — ${p.phase}${p.pass ? ` pass ${p.pass}/${p.passes ?? '?'}` : ''} ${p.percent.toFixed(0)} %`
      : ''
  }`;
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
  const [stationId, setStationId] = useState(stations.find((s) => !s.revoked)?.id ?? '');
  const [device, setDevice] = useState('/dev/sdb');
  const [signed, setSigned] = useState('');
  const assign = useAction(async () => {
    await api.post(`/erasures/${erasure.id}/assign-station`, {
      stationId,
      device,
      version: erasure.version,
    });
    onDone();
  });
  const importReport = useAction(async () => {
    let body: unknown;
    try {
      body = JSON.parse(signed);
    } catch {
      throw new Error(
        'Paste the JSON printed by `station sign-report` (content, stationId, signature)',
      );
    }
    await api.post(`/erasures/${erasure.id}/import-report`, body);
    onDone();
  });
  return (
    <div className="panel">
      <h2>Erasure {erasure.id.slice(0, 8)}</h2>
      {erasure.runs.length > 0 && (
        <Table
          caption="Tries"
          empty=""
          rows={erasure.runs}
          rowKey={(r) => `${r.attempt}-${r.finishedAt}`}
          columns={[
            { header: 'Try', cell: (r) => String(r.attempt), className: 'num' },
            { header: 'Tool', cell: (r) => `${r.tool.name} ${r.tool.version}` },
            { header: 'Result', cell: (r) => r.status },
            { header: 'Why', cell: (r) => r.failureReason ?? '' },
            { header: 'Finished', cell: (r) => formatTime(r.finishedAt) },
          ]}
        />
      )}
      {erasure.nextAttemptAt && <p>Next try: {formatTime(erasure.nextAttemptAt)}</p>}
      {erasure.allowedActions.includes('assign-station') && (
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            void assign.run();
          }}
        >
          <h3>Wipe on a station</h3>
          <label>
            Station{' '}
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
            Device <input value={device} onChange={(ev) => setDevice(ev.target.value)} />
          </label>{' '}
          <button type="submit" disabled={assign.busy || !stationId}>
            Start wipe
          </button>
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
          <h3>Import a signed vendor report</h3>
          <textarea
            aria-label="Signed report"
            rows={6}
            value={signed}
            placeholder='{"content": "...", "stationId": "...", "signature": "..."}'
            onChange={(ev) => setSigned(ev.target.value)}
          />
          <button type="submit" disabled={importReport.busy || !signed.trim()}>
            Import report
          </button>
          <ErrorNotice error={importReport.error} />
        </form>
      )}
    </div>
  );
}

export function ErasuresScreen() {
  const [state, setState] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const list = useLoad(
    (signal) => api.get<Page<Erasure>>('/erasures', { state, limit: 100 }, signal),
    [state],
  );
  const stations = useLoad((signal) => api.get<{ items: Station[] }>('/stations', {}, signal), []);
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
      <h1>Data erasure</h1>
      <label className="inline">
        State{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s || 'all'}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error ?? download.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption="Erasures"
          empty="No erasure here."
          rows={list.data?.items ?? []}
          rowKey={(e) => e.id}
          columns={[
            { header: 'Item', cell: (e) => e.itemId.slice(0, 8) },
            { header: 'Where', cell: (e) => e.place },
            { header: 'State', cell: (e) => <StateBadge state={e.state} /> },
            { header: 'Attempt', cell: (e) => `${e.attempt}/${e.maxAttempts}`, className: 'num' },
            { header: 'Station', cell: (e) => stationCell(e, stations.data?.items ?? []) },
            { header: 'Problem', cell: (e) => e.failureReason ?? '' },
            { header: 'Done', cell: (e) => formatTime(e.completedAt) },
            {
              header: 'Certificate',
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
                    {e.certificate.revoked && ' (revoked)'}
                  </button>
                ) : (
                  '—'
                ),
            },
            {
              header: '',
              cell: (e) => (
                <button type="button" className="link" onClick={() => setSelected(e.id)}>
                  Manage
                </button>
              ),
            },
          ]}
        />
      )}
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
