import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Page } from '../api/client.js';
import { formatMoney, type Money } from '../api/types.js';
import { ErrorNotice, Loading } from '../ui/feedback.js';
import { useLoad } from '../ui/hooks.js';

interface MarketListing {
  id: string;
  title?: string;
  price?: Money;
  grade?: string;
  traceCode?: string;
  category?: { name?: string } | null;
}

/** The public market: published listings, each linking to its item's passport. */
export function MarketPage() {
  const [q, setQ] = useState('');
  const list = useLoad(
    (signal) => api.get<Page<MarketListing>>('/market/listings', { q }, signal),
    [q],
  );
  const notOpen = list.error?.status === 404;
  return (
    <section>
      <h1>Market</h1>
      <label className="inline">
        Search the market <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </label>
      {notOpen ? (
        <p className="muted">The market is not open yet.</p>
      ) : (
        <ErrorNotice error={list.error} onRetry={list.reload} />
      )}
      {list.loading && !list.data && <Loading />}
      <ul className="cards">
        {(list.data?.items ?? []).map((l) => (
          <li key={l.id} className="card">
            <h2>{l.title ?? 'Listing'}</h2>
            <p>
              {l.category?.name}{' '}
              {l.grade && <span className={`grade grade-${l.grade}`}>{l.grade}</span>}
            </p>
            <p className="price">{formatMoney(l.price)}</p>
            {l.traceCode && <Link to={`/t/${l.traceCode}`}>Passport {l.traceCode}</Link>}
          </li>
        ))}
      </ul>
    </section>
  );
}
