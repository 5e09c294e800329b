import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, type Page } from '../../api/client.js';
import type { InventoryEntry, Listing } from '../../api/resale.js';
import { formatTime } from '../../api/types.js';
import { StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback.js';
import { useAction, useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import { useCategoryNames } from '../warehouse/inspections.js';

/** The merchant's items (list one, open its listing) and the pool of items to claim. */
export function InventoryScreen() {
  const navigate = useNavigate();
  const names = useCategoryNames();
  const mine = useLoad(
    (signal) => api.get<Page<InventoryEntry>>('/inventory', { limit: 100 }, signal),
    [],
  );
  const [grade, setGrade] = useState('');
  const pool = useLoad(
    (signal) => api.get<Page<InventoryEntry>>('/inventory/pool', { limit: 100, grade }, signal),
    [grade],
  );
  const [claimed, setClaimed] = useState<string | null>(null);
  const claim = useAction(async (e: InventoryEntry) => {
    await api.post(`/inventory/pool/${e.itemId}/claim`);
    setClaimed(e.traceCode);
    mine.reload();
    pool.reload();
  });
  const list = useAction(async (e: InventoryEntry) => {
    const listing = await api.create<Listing>('/listings', { itemId: e.itemId });
    void navigate(`/console/merchant/listings/${listing.id}`);
  });

  return (
    <section>
      <h1>Inventory</h1>
      <h2>Your items</h2>
      <ErrorNotice error={mine.error} onRetry={mine.reload} />
      <ErrorNotice error={list.error} />
      {claimed && <Notice kind="ok">{claimed} is in your inventory now.</Notice>}
      {mine.loading && !mine.data ? (
        <Loading />
      ) : (
        <Table
          caption="Your inventory"
          empty="Nothing in your inventory. Claim items from the pool below."
          rows={mine.data?.items ?? []}
          rowKey={(e) => e.itemId}
          columns={[
            { header: 'Item', cell: (e) => <Link to={`/t/${e.traceCode}`}>{e.traceCode}</Link> },
            { header: 'Category', cell: (e) => names.get(e.categoryId ?? '') ?? '—' },
            { header: 'Grade', cell: (e) => <GradeTag grade={e.grade} /> },
            { header: 'Erasure', cell: (e) => e.erasureStatus.replace(/_/g, ' ') },
            { header: 'State', cell: (e) => <StateBadge state={e.itemState} /> },
            { header: 'Since', cell: (e) => formatTime(e.allocatedAt) },
            {
              header: 'Listing',
              cell: (e) =>
                e.liveListingId ? (
                  <Link to={`/console/merchant/listings/${e.liveListingId}`}>Open listing</Link>
                ) : e.itemState === 'ALLOCATED' ? (
                  <button
                    type="button"
                    className="primary"
                    disabled={list.busy}
                    aria-busy={list.busy}
                    onClick={() => void list.run(e)}
                    aria-label={`Create listing for ${e.traceCode}`}
                  >
                    Create listing
                  </button>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      )}

      <h2>Pool</h2>
      <p className="muted">
        Items ready for sale that no merchant holds yet. Claiming one makes it yours.
      </p>
      <label className="inline">
        Grade{' '}
        <select value={grade} onChange={(e) => setGrade(e.target.value)}>
          <option value="">any</option>
          <option value="premium">premium</option>
          <option value="good">good</option>
        </select>
      </label>
      <ErrorNotice error={pool.error} onRetry={pool.reload} />
      <ErrorNotice error={claim.error} onRetry={pool.reload} />
      {pool.loading && !pool.data ? (
        <Loading />
      ) : (
        <Table
          caption="Pool"
          empty="The pool is empty."
          rows={pool.data?.items ?? []}
          rowKey={(e) => e.itemId}
          columns={[
            { header: 'Item', cell: (e) => <Link to={`/t/${e.traceCode}`}>{e.traceCode}</Link> },
            { header: 'Category', cell: (e) => names.get(e.categoryId ?? '') ?? '—' },
            { header: 'Grade', cell: (e) => <GradeTag grade={e.grade} /> },
            { header: 'Erasure', cell: (e) => e.erasureStatus.replace(/_/g, ' ') },
            { header: 'In pool since', cell: (e) => formatTime(e.pooledAt) },
            {
              header: '',
              cell: (e) => (
                <button
                  type="button"
                  disabled={claim.busy}
                  aria-busy={claim.busy}
                  aria-label={`Claim ${e.traceCode}`}
                  onClick={() => void claim.run(e)}
                >
                  Claim
                </button>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

export function GradeTag({ grade }: { grade: string | null }) {
  return <span className={`grade grade-${grade ?? 'none'}`}>{grade ?? '—'}</span>;
}
