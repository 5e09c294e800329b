import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, session, type Page } from '../../api/client.js';
import { formatTime, type Stateful } from '../../api/types.js';
import { stateLabel } from '../../i18n/labels.js';
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

export function ErasuresScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState('');
  const list = useLoad(
    (signal) => api.get<Page<Erasure>>('/erasures', { state, limit: 100 }, signal),
    [state],
  );
  const download = useAction(downloadCertificate);
  return (
    <section>
      <h1>{t('erasures.title')}</h1>
      <label className="inline">
        {t('common.state')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          {STATES.map((s) => (
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
            { header: t('erasures.col.where'), cell: (e) => e.place },
            { header: t('common.state'), cell: (e) => <StateBadge state={e.state} /> },
            {
              header: t('erasures.col.attempt'),
              cell: (e) => `${e.attempt}/${e.maxAttempts}`,
              className: 'num',
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
          ]}
        />
      )}
    </section>
  );
}
