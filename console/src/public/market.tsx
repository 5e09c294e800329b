import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError, type Page } from '../api/client.js';
import { fromMinor, type MarketListing, toMinor } from '../api/resale.js';
import { formatMoney } from '../api/types.js';
import type { CategoryNode } from '../screens/admin/catalog.js';
import { ErrorNotice, Loading } from '../ui/feedback.js';
import { useAction, useLoad } from '../ui/hooks.js';

const GRADES: Array<[string, string]> = [
  ['', 'any'],
  ['premium', 'Premium (platform)'],
  ['good', 'Good (platform)'],
  ['Excellent', 'Excellent (Back Market)'],
  ['Good', 'Good (Back Market)'],
  ['Fair', 'Fair (Back Market)'],
];

const SORTS: Array<[string, string]> = [
  ['newest', 'newest first'],
  ['price-asc', 'price, low to high'],
  ['price-desc', 'price, high to low'],
];

/** The filters live in the address, so a search can be shared and survives a reload. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const filters = {
    q: params.get('q') ?? '',
    categoryId: params.get('categoryId') ?? '',
    grade: params.get('grade') ?? '',
    minPriceMinor: params.get('minPriceMinor') ?? '',
    maxPriceMinor: params.get('maxPriceMinor') ?? '',
    sort: params.get('sort') ?? 'newest',
  };
  const apply = (next: typeof filters) =>
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '')));
  return { filters, apply };
}

/** The public market: search, filter, and "load more" along the API's keyset cursor. */
export function MarketPage() {
  const { filters, apply } = useFilters();
  const key = JSON.stringify(filters);
  const categories = useLoad(
    (signal) => api.get<Page<CategoryNode>>('/categories', { view: 'flat' }, signal),
    [],
  );
  const browsable = useMemo(
    () => (categories.data?.items ?? []).filter((c) => c.level <= 2),
    [categories.data],
  );
  const [form, setForm] = useState({
    ...filters,
    minPrice: fromMinor(filters.minPriceMinor ? Number(filters.minPriceMinor) : null),
    maxPrice: fromMinor(filters.maxPriceMinor ? Number(filters.maxPriceMinor) : null),
  });
  const [formError, setFormError] = useState<ApiError | null>(null);

  const first = useLoad(
    (signal) => api.get<Page<MarketListing>>('/market/listings', { ...filters, limit: 12 }, signal),
    [key],
  );
  const [more, setMore] = useState<MarketListing[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.nextCursor ?? null);
  }, [first.data]);
  const loadMore = useAction(async () => {
    const page = await api.get<Page<MarketListing>>('/market/listings', {
      ...filters,
      limit: 12,
      cursor: cursor ?? undefined,
    });
    setMore((m) => [...m, ...page.items]);
    setCursor(page.nextCursor ?? null);
  });
  const items = [...(first.data?.items ?? []), ...more];

  const submit = () => {
    const fields: Array<{ field: string; errors: string[] }> = [];
    const min = form.minPrice.trim() ? toMinor(form.minPrice) : null;
    const max = form.maxPrice.trim() ? toMinor(form.maxPrice) : null;
    if (Number.isNaN(min)) fields.push({ field: 'minPriceMinor', errors: ['enter an amount'] });
    if (Number.isNaN(max)) fields.push({ field: 'maxPriceMinor', errors: ['enter an amount'] });
    if (fields.length) {
      setFormError(new ApiError({ statusCode: 400, error: 'Bad Request', message: '', fields }));
      return;
    }
    setFormError(null);
    apply({
      q: form.q.trim(),
      categoryId: form.categoryId,
      grade: form.grade,
      sort: form.sort,
      minPriceMinor: min === null ? '' : String(min),
      maxPriceMinor: max === null ? '' : String(max),
    });
  };

  return (
    <section>
      <h1>Market</h1>
      <form
        role="search"
        className="market-filters"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label>
          Search the market
          <input
            type="search"
            value={form.q}
            placeholder="iPhone 15, Leica, Nintendo…"
            onChange={(e) => setForm({ ...form, q: e.target.value })}
          />
        </label>
        <label>
          Category
          <select
            value={form.categoryId}
            onChange={(e) => setForm({ ...form, categoryId: e.target.value })}
          >
            <option value="">all</option>
            {browsable.map((c) => (
              <option key={c.id} value={c.id}>
                {c.level === 2 ? `— ${c.name}` : c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Grade
          <select value={form.grade} onChange={(e) => setForm({ ...form, grade: e.target.value })}>
            {GRADES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label>
          Price from (CNY)
          <input
            inputMode="decimal"
            value={form.minPrice}
            aria-invalid={Boolean(formError?.fieldErrors().minPriceMinor) || undefined}
            onChange={(e) => setForm({ ...form, minPrice: e.target.value })}
          />
        </label>
        <label>
          to (CNY)
          <input
            inputMode="decimal"
            value={form.maxPrice}
            aria-invalid={Boolean(formError?.fieldErrors().maxPriceMinor) || undefined}
            onChange={(e) => setForm({ ...form, maxPrice: e.target.value })}
          />
        </label>
        <label>
          Sort
          <select value={form.sort} onChange={(e) => setForm({ ...form, sort: e.target.value })}>
            {SORTS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <ErrorNotice
        error={formError ?? first.error}
        onRetry={formError ? undefined : first.reload}
      />
      {first.loading && <Loading what="Searching the market" />}
      {!first.loading && first.data && items.length === 0 && (
        <p className="muted">Nothing matches. Try fewer words or another grade.</p>
      )}
      <ul className="cards market">
        {items.map((l) => (
          <li key={l.id} className="card">
            <h2>
              <Link to={`/market/listings/${l.id}`}>{l.title}</Link>
            </h2>
            <p>
              <span className={`grade grade-${l.grade}`}>{l.grade}</span>{' '}
              <span className="muted">
                {l.gradeLabels.backMarket} · {l.gradeLabels.chengxin}
              </span>
            </p>
            <p className="price">{formatMoney(l.price)}</p>
            <p className="muted">
              {l.merchant.name} · {l.warrantyMonths}-month warranty
            </p>
          </li>
        ))}
      </ul>
      {cursor && (
        <div className="buttons">
          <button
            type="button"
            disabled={loadMore.busy}
            aria-busy={loadMore.busy}
            onClick={() => void loadMore.run()}
          >
            {loadMore.busy ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
      <ErrorNotice error={loadMore.error} />
    </section>
  );
}
