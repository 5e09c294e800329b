import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, type Row } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { erasureLabel, gradeLabel } from '../../i18n/labels.js';
import { StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice, LoadMore } from '../../ui/feedback.js';
import { useAction, useActionKeys, usePagedLoad } from '../../ui/hooks.js';
import { oneOf } from '../../ui/form.js';
import { Table } from '../../ui/table.js';
import { useCategoryNames } from '../warehouse/inspections.js';

type InventoryEntry = Row<'/inventory'>;
const POOL_GRADES = ['premium', 'good'] as const;

/** The merchant's items (list one, open its listing) and the pool of items to claim. */
export function InventoryScreen() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const names = useCategoryNames();
  const mine = usePagedLoad(
    (cursor, signal) => api.get('/inventory', { query: { limit: 100, cursor }, signal }),
    [],
  );
  const [grade, setGrade] = useState('');
  const pool = usePagedLoad(
    (cursor, signal) =>
      api.get('/inventory/pool', {
        query: { limit: 100, grade: oneOf(POOL_GRADES, grade), cursor },
        signal,
      }),
    [grade],
  );
  const keys = useActionKeys();
  const [claimed, setClaimed] = useState<string | null>(null);
  const claim = useAction(async (e: InventoryEntry) => {
    await api.post('/inventory/pool/{itemId}/claim', {
      path: { itemId: e.itemId },
      key: keys.for(`claim:${e.itemId}`),
    });
    keys.done(`claim:${e.itemId}`);
    setClaimed(e.traceCode);
    mine.reload();
    pool.reload();
  });
  const list = useAction(async (e: InventoryEntry) => {
    const listing = await api.post('/listings', {
      body: { itemId: e.itemId },
      key: keys.for(`list:${e.itemId}`),
    });
    keys.done(`list:${e.itemId}`);
    void navigate(`/console/merchant/listings/${listing.id}`);
  });

  return (
    <section>
      <h1>{t('screens.inventory')}</h1>
      <h2>{t('inventory.yours')}</h2>
      <ErrorNotice error={mine.error} onRetry={mine.reload} />
      <ErrorNotice error={list.error} />
      {claimed && <Notice kind="ok">{t('inventory.claimed', { code: claimed })}</Notice>}
      {mine.loading && !mine.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('inventory.caption')}
          empty={t('inventory.empty')}
          rows={mine.data?.items ?? []}
          rowKey={(e) => e.itemId}
          columns={[
            {
              header: t('inventory.col.item'),
              cell: (e) => <Link to={`/t/${e.traceCode}`}>{e.traceCode}</Link>,
            },
            {
              header: t('inventory.col.model'),
              cell: (e) => (e.model ? `${e.model.brand} ${e.model.name}` : '—'),
            },
            {
              header: t('inventory.col.category'),
              cell: (e) => names.get(e.categoryId ?? '') ?? '—',
            },
            { header: t('inventory.col.grade'), cell: (e) => <GradeTag grade={e.grade} /> },
            { header: t('inventory.col.erasure'), cell: (e) => erasureLabel(e.erasureStatus) },
            { header: t('common.state'), cell: (e) => <StateBadge state={e.itemState} /> },
            { header: t('inventory.col.since'), cell: (e) => formatTime(e.allocatedAt) },
            {
              header: t('inventory.col.listing'),
              cell: (e) =>
                e.liveListingId ? (
                  <Link to={`/console/merchant/listings/${e.liveListingId}`}>
                    {t('inventory.openListing')}
                  </Link>
                ) : e.itemState === 'ALLOCATED' ? (
                  <button
                    type="button"
                    className="primary"
                    disabled={list.busy}
                    aria-busy={list.busy}
                    onClick={() => void list.run(e)}
                    aria-label={t('inventory.createFor', { code: e.traceCode })}
                  >
                    {t('inventory.create')}
                  </button>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      )}
      <LoadMore list={mine} />

      <h2>{t('inventory.pool')}</h2>
      <p className="muted">{t('inventory.poolIntro')}</p>
      <label className="inline">
        {t('inventory.col.grade')}{' '}
        <select value={grade} onChange={(e) => setGrade(e.target.value)}>
          <option value="">{t('common.any')}</option>
          <option value="premium">{gradeLabel('premium')}</option>
          <option value="good">{gradeLabel('good')}</option>
        </select>
      </label>
      <ErrorNotice error={pool.error} onRetry={pool.reload} />
      <ErrorNotice error={claim.error} onRetry={pool.reload} />
      {pool.loading && !pool.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('inventory.pool')}
          empty={t('inventory.poolEmpty')}
          rows={pool.data?.items ?? []}
          rowKey={(e) => e.itemId}
          columns={[
            {
              header: t('inventory.col.item'),
              cell: (e) => <Link to={`/t/${e.traceCode}`}>{e.traceCode}</Link>,
            },
            {
              header: t('inventory.col.model'),
              cell: (e) => (e.model ? `${e.model.brand} ${e.model.name}` : '—'),
            },
            {
              header: t('inventory.col.category'),
              cell: (e) => names.get(e.categoryId ?? '') ?? '—',
            },
            { header: t('inventory.col.grade'), cell: (e) => <GradeTag grade={e.grade} /> },
            { header: t('inventory.col.erasure'), cell: (e) => erasureLabel(e.erasureStatus) },
            { header: t('inventory.col.inPoolSince'), cell: (e) => formatTime(e.pooledAt) },
            {
              header: '',
              cell: (e) => (
                <button
                  type="button"
                  disabled={claim.busy}
                  aria-busy={claim.busy}
                  aria-label={t('inventory.claimFor', { code: e.traceCode })}
                  onClick={() => void claim.run(e)}
                >
                  {t('inventory.claim')}
                </button>
              ),
            },
          ]}
        />
      )}
      <LoadMore list={pool} />
    </section>
  );
}

export function GradeTag({ grade }: { grade: string | null }) {
  return <span className={`grade grade-${grade ?? 'none'}`}>{gradeLabel(grade)}</span>;
}
