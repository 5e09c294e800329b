import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, type ApiError, type Query, type Row } from '../api/client.js';
import { formatMoney, fromMinor, toMinor } from '../api/types.js';
import { ErrorNotice, Loading } from '../ui/feedback.js';
import { useAction, useLoad } from '../ui/hooks.js';
import { localInvalid, oneOf } from '../ui/form.js';
import { gradeLabel } from '../i18n/labels.js';
import { PhotoThumb } from '../ui/photos.js';

/** Platform grades, then Back Market's names (the filter takes both). */
const GRADES = ['', 'premium', 'good', 'Excellent', 'Good', 'Fair'] as const;
const SORTS = ['newest', 'price-asc', 'price-desc'] as const;

type MarketListing = Row<'/market/listings'>;

/** The filters as the API takes them (the address keeps them as text). */
function marketQuery(
  f: ReturnType<typeof useFilters>['filters'],
): Query<'get', '/market/listings'> {
  const minor = (v: string) => (v ? Number(v) : undefined);
  return {
    q: f.q || undefined,
    categoryId: f.categoryId || undefined,
    grade: f.grade || undefined,
    minPriceMinor: minor(f.minPriceMinor),
    maxPriceMinor: minor(f.maxPriceMinor),
    sort: oneOf(SORTS, f.sort),
  };
}

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
  const { t, i18n } = useTranslation();
  const { filters, apply } = useFilters();
  const key = JSON.stringify(filters);
  const categories = useLoad(
    (signal) => api.get('/categories', { query: { view: 'flat' }, signal }),
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
  const categoryName = (c: { name: string; nameZh: string }) =>
    i18n.language === 'en' ? c.name : c.nameZh || c.name;

  const first = useLoad(
    (signal) =>
      api.get('/market/listings', { query: { ...marketQuery(filters), limit: 12 }, signal }),
    [key],
  );
  const [more, setMore] = useState<MarketListing[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(first.data?.nextCursor ?? null);
  }, [first.data]);
  const loadMore = useAction(async () => {
    const page = await api.get('/market/listings', {
      query: { ...marketQuery(filters), limit: 12, cursor: cursor ?? undefined },
    });
    setMore((m) => [...m, ...page.items]);
    setCursor(page.nextCursor ?? null);
  });
  const items = [...(first.data?.items ?? []), ...more];

  const submit = () => {
    const fields: Array<{ field: string; errors: string[] }> = [];
    const min = form.minPrice.trim() ? toMinor(form.minPrice) : null;
    const max = form.maxPrice.trim() ? toMinor(form.maxPrice) : null;
    if (Number.isNaN(min)) {
      fields.push({ field: 'minPriceMinor', errors: [t('listings.amountFormat')] });
    }
    if (Number.isNaN(max)) {
      fields.push({ field: 'maxPriceMinor', errors: [t('listings.amountFormat')] });
    }
    if (fields.length) {
      setFormError(localInvalid(fields));
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
      <h1>{t('layout.market')}</h1>
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
          {t('market.search')}
          <input
            type="search"
            value={form.q}
            placeholder={t('market.searchExample')}
            onChange={(e) => setForm({ ...form, q: e.target.value })}
          />
        </label>
        <label>
          {t('market.category')}
          <select
            value={form.categoryId}
            onChange={(e) => setForm({ ...form, categoryId: e.target.value })}
          >
            <option value="">{t('common.all')}</option>
            {browsable.map((c) => (
              <option key={c.id} value={c.id}>
                {c.level === 2 ? `— ${categoryName(c)}` : categoryName(c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('market.grade')}
          <select value={form.grade} onChange={(e) => setForm({ ...form, grade: e.target.value })}>
            {GRADES.map((g) => (
              <option key={g} value={g}>
                {t(`market.grades.${g || 'any'}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('market.priceFrom')}
          <input
            inputMode="decimal"
            value={form.minPrice}
            aria-invalid={Boolean(formError?.fieldErrors().minPriceMinor) || undefined}
            onChange={(e) => setForm({ ...form, minPrice: e.target.value })}
          />
        </label>
        <label>
          {t('market.priceTo')}
          <input
            inputMode="decimal"
            value={form.maxPrice}
            aria-invalid={Boolean(formError?.fieldErrors().maxPriceMinor) || undefined}
            onChange={(e) => setForm({ ...form, maxPrice: e.target.value })}
          />
        </label>
        <label>
          {t('market.sort')}
          <select value={form.sort} onChange={(e) => setForm({ ...form, sort: e.target.value })}>
            {SORTS.map((v) => (
              <option key={v} value={v}>
                {t(`market.sorts.${v}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          {t('common.search')}
        </button>
      </form>
      <ErrorNotice
        error={formError ?? first.error}
        onRetry={formError ? undefined : first.reload}
        fieldLabels={{ minPriceMinor: t('market.priceFrom'), maxPriceMinor: t('market.priceTo') }}
      />
      {first.loading && <Loading what={t('market.searching')} />}
      {!first.loading && first.data && items.length === 0 && (
        <p className="muted">{t('market.nothing')}</p>
      )}
      <ul className="cards market">
        {items.map((l) => (
          <li key={l.id} className="card">
            {l.photos?.[0] && (
              <PhotoThumb
                publicPhoto
                id={l.photos[0].id}
                alt={t('photos.ofListing', { title: l.title, n: 1 })}
                size={160}
              />
            )}
            <h2>
              <Link to={`/market/listings/${l.id}`}>{l.title}</Link>
            </h2>
            <p>
              <span className={`grade grade-${l.grade}`}>{gradeLabel(l.grade)}</span>{' '}
              <span className="muted">
                {l.gradeLabels.backMarket} · {l.gradeLabels.chengxin}
              </span>
            </p>
            <p className="price">{formatMoney(l.price)}</p>
            <p className="muted">
              {l.merchant.name} · {t('market.warranty', { n: l.warrantyMonths })}
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
            {loadMore.busy ? t('common.loadingMore') : t('common.loadMore')}
          </button>
        </div>
      )}
      <ErrorNotice error={loadMore.error} />
    </section>
  );
}
