import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { untypedApi as api, type Page } from '../../api/client.js';
import { formatTime, type Stateful } from '../../api/types.js';
import { errorMessage } from '../../i18n/errors.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { asApiError, useAction, useLoad } from '../../ui/hooks.js';
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
  const { t } = useTranslation();
  const parcels = useLoad(
    (signal) => api.get<Page<Parcel>>('/receiving/parcels', { state: 'EXPECTED' }, signal),
    [],
  );
  const [log, setLog] = useState<LogLine[]>([]);
  const scan = useAction(async (code: string) => {
    try {
      const r = await api.post<ScanResult>('/receiving/scan', { code });
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
                            api.post(
                              `/receiving/parcels/${p.id}/receive`,
                              { version: p.version },
                              { key },
                            ),
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
