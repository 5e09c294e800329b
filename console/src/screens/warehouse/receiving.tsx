import { useState } from 'react';
import { api, type Page } from '../../api/client.js';
import { formatTime, type Stateful } from '../../api/types.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useAction, useLoad } from '../../ui/hooks.js';
import { ScanField } from '../../ui/scan.js';
import { Table } from '../../ui/table.js';

interface Parcel extends Stateful {
  pickupId: string | null;
  sealed: boolean;
  sealRead: string | null;
  items: Array<{ id: string; traceCode: string; state: string; scanned: boolean }>;
  unexpectedCodes?: string[];
  exceptions: Array<{ id: string; kind: string; itemId?: string | null }>;
  deliveredAt: string | null;
  receivedAt: string | null;
}

interface ScanResult {
  matched: { kind: 'seal' } | { kind: 'item'; itemId: string; traceCode: string };
  received: boolean;
  parcel: Parcel;
}

interface LogLine {
  code: string;
  ok: boolean;
  text: string;
}

export function ReceivingScreen() {
  const parcels = useLoad(
    (signal) => api.get<Page<Parcel>>('/receiving/parcels', { state: 'EXPECTED' }, signal),
    [],
  );
  const [log, setLog] = useState<LogLine[]>([]);
  const scan = useAction(async (code: string) => {
    try {
      const r = await api.post<ScanResult>('/receiving/scan', { code });
      const what = r.matched.kind === 'seal' ? `seal of parcel` : `item ${r.matched.traceCode}`;
      const left = r.parcel.items.filter((i) => !i.scanned).length;
      setLog((l) => [
        {
          code,
          ok: true,
          text: r.received
            ? `${what}: parcel received, ${r.parcel.items.length} item(s) to inspection`
            : `${what} found; ${left} item(s) of this parcel still to scan`,
        },
        ...l,
      ]);
      parcels.reload();
    } catch (err) {
      setLog((l) => [{ code, ok: false, text: (err as Error).message }, ...l]);
      throw err;
    }
  });
  return (
    <section>
      <h1>Receiving</h1>
      <div className="columns">
        <div>
          <ScanField label="Scan seal or trace code" onScan={(c) => void scan.run(c)} />
          {scan.busy && <Loading what="Checking" />}
          <ErrorNotice error={scan.error} />
          <ol className="scan-log" aria-label="Scans">
            {log.map((l, i) => (
              <li key={i} className={l.ok ? 'ok' : 'bad'}>
                <code>{l.code}</code> — {l.text}
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h2>Parcels on their way</h2>
          <ErrorNotice error={parcels.error} onRetry={parcels.reload} />
          {parcels.loading && !parcels.data ? (
            <Loading />
          ) : (
            <Table
              caption="Expected parcels"
              empty="No parcel is expected."
              rows={parcels.data?.items ?? []}
              rowKey={(p) => p.id}
              columns={[
                {
                  header: 'Items',
                  cell: (p) =>
                    p.items.map((i) => (
                      <span key={i.id} className={`tag ${i.scanned ? '' : 'warn'}`}>
                        {i.traceCode}
                      </span>
                    )),
                },
                { header: 'Sealed', cell: (p) => (p.sealed ? 'yes' : 'no') },
                { header: 'Delivered', cell: (p) => formatTime(p.deliveredAt) },
                { header: 'State', cell: (p) => <StateBadge state={p.state} /> },
                {
                  header: 'Close',
                  cell: (p) => (
                    <ActionBar
                      resource={p}
                      onDone={parcels.reload}
                      actions={{
                        receive: {
                          label: 'Receive as scanned',
                          run: () =>
                            api.post(`/receiving/parcels/${p.id}/receive`, { version: p.version }),
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
    </section>
  );
}
