import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, type Page } from '../../api/client.js';
import { fromMinor, type Listing, toMinor } from '../../api/resale.js';
import { formatMoney, formatTime } from '../../api/types.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import { GradeTag } from './inventory.js';

const yuan = (minor: number | null, currency = 'CNY') =>
  minor === null ? '—' : formatMoney({ amountMinor: minor, currency });

/** The allowed price band, as the merchant needs to read it next to the price input. */
export function bandText(l: Listing): string {
  const p = l.pricing;
  if (p.floorMinor === null || p.ceilingMinor === null) return 'No suggested price: any price.';
  return `Suggested ${yuan(p.suggestedMinor, l.price.currency)} · allowed ${yuan(p.floorMinor, l.price.currency)} – ${yuan(p.ceilingMinor, l.price.currency)}`;
}

export function ListingsScreen() {
  const [state, setState] = useState('');
  const list = useLoad(
    (signal) => api.get<Page<Listing>>('/listings', { state, limit: 100 }, signal),
    [state],
  );
  return (
    <section>
      <h1>Listings</h1>
      <p className="muted">
        New listings are made from your <Link to="/console/merchant/inventory">inventory</Link>.
      </p>
      <label className="inline">
        Show{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">all</option>
          {['DRAFT', 'PUBLISHED', 'RESERVED', 'SOLD', 'WITHDRAWN'].map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption="Listings"
          empty="No listings."
          rows={list.data?.items ?? []}
          rowKey={(l) => l.id}
          columns={[
            {
              header: 'Title',
              cell: (l) => <Link to={`/console/merchant/listings/${l.id}`}>{l.title}</Link>,
            },
            { header: 'State', cell: (l) => <StateBadge state={l.state} /> },
            { header: 'Grade', cell: (l) => <GradeTag grade={l.grade} /> },
            { header: 'Price', cell: (l) => formatMoney(l.price), className: 'num' },
            {
              header: 'Suggested',
              cell: (l) => yuan(l.pricing.suggestedMinor, l.price.currency),
              className: 'num',
            },
            {
              header: 'Allowed band',
              cell: (l) =>
                l.pricing.floorMinor === null
                  ? 'any'
                  : `${yuan(l.pricing.floorMinor, l.price.currency)} – ${yuan(l.pricing.ceilingMinor, l.price.currency)}`,
            },
            { header: 'Published', cell: (l) => formatTime(l.publishedAt) },
          ]}
        />
      )}
    </section>
  );
}

function EditListingForm({
  listing,
  done,
  cancel,
}: {
  listing: Listing;
  done: () => void;
  cancel: () => void;
}) {
  const form = useForm({
    price: fromMinor(listing.price.amountMinor),
    title: listing.title,
    warrantyMonths: String(listing.warrantyMonths),
  });
  return (
    <form
      className="card"
      aria-label="Edit listing"
      noValidate
      onSubmit={form.submit((v) => {
        const priceMinor = toMinor(v.price);
        const warranty = Number(v.warrantyMonths);
        const fields = [
          ...(Number.isNaN(priceMinor)
            ? [{ field: 'priceMinor', errors: ['enter an amount like 1299 or 1299.50'] }]
            : []),
          ...(!Number.isInteger(warranty)
            ? [{ field: 'warrantyMonths', errors: ['enter whole months'] }]
            : []),
        ];
        if (fields.length) {
          return Promise.reject(
            new ApiError({
              statusCode: 400,
              error: 'Bad Request',
              message: 'Invalid input',
              fields,
            }),
          );
        }
        return api.patch(`/listings/${listing.id}`, {
          version: listing.version,
          priceMinor,
          title: v.title.trim(),
          warrantyMonths: warranty,
        });
      }, done)}
    >
      <Field
        form={form}
        name="price"
        label={`Price (${listing.price.currency})`}
        apiFields={['priceMinor']}
        inputMode="decimal"
        hint={bandText(listing)}
        autoFocus
      />
      <Field form={form} name="title" label="Title" />
      <Field
        form={form}
        name="warrantyMonths"
        label="Warranty (months)"
        inputMode="numeric"
        hint="Between 3 and 36 months"
      />
      <FormFooter
        form={form}
        label="Save"
        busyLabel="Saving"
        extra={
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        }
      />
    </form>
  );
}

export function ListingScreen() {
  const { id = '' } = useParams();
  const one = useLoad((signal) => api.get<Listing>(`/listings/${id}`, {}, signal), [id]);
  const l = one.data;
  return (
    <section>
      <p>
        <Link to="/console/merchant/listings">← Listings</Link>
      </p>
      <h1>{l?.title ?? 'Listing'}</h1>
      <ErrorNotice error={one.error} onRetry={one.reload} />
      {one.loading && !l && <Loading />}
      {l && (
        <div className="columns">
          <div>
            <p>
              <StateBadge state={l.state} /> <GradeTag grade={l.grade} />{' '}
              <span className="muted">
                {l.gradeLabels.backMarket} (Back Market) · {l.gradeLabels.gbt45656.label} ·{' '}
                {l.gradeLabels.chengxin}
              </span>
            </p>
            <p className="price">{formatMoney(l.price)}</p>
            <p aria-label="Price band">{bandText(l)}</p>
            {l.state === 'PUBLISHED' && <Notice kind="ok">On the market now.</Notice>}
            <ActionBar
              resource={l}
              onDone={one.reload}
              actions={{
                edit: {
                  label: 'Edit price and details',
                  form: (done, cancel) => (
                    <EditListingForm listing={l} done={done} cancel={cancel} />
                  ),
                },
                publish: {
                  label: 'Publish',
                  run: () => api.post(`/listings/${l.id}/publish`, { version: l.version }),
                },
                withdraw: {
                  label: 'Withdraw',
                  danger: true,
                  run: () => api.post(`/listings/${l.id}/withdraw`, { version: l.version }),
                },
              }}
            />
          </div>
          <ListingFacts listing={l} />
        </div>
      )}
    </section>
  );
}

/** What the buyer will see: inspection, erasure certificates, warranty, return window. */
export function ListingFacts({
  listing,
}: {
  listing: Pick<Listing, 'inspection' | 'warrantyMonths' | 'returnWindowDays' | 'erasureStatus'> & {
    certificates: Listing['certificates'];
  };
}) {
  const i = listing.inspection;
  return (
    <dl className="facts">
      <dt>Inspection</dt>
      <dd>
        {i ? (
          <>
            {i.summary}
            {i.score !== null && ` · score ${i.score}`}
            {i.standard && ` · standard ${i.standard.code} v${i.standard.version}`}
            {i.findings.length > 0 && (
              <ul>
                {i.findings.map((f) => (
                  <li key={f.label}>
                    {f.label}: {f.severity}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : (
          '—'
        )}
      </dd>
      <dt>Data erasure</dt>
      <dd>
        {listing.erasureStatus.replace(/_/g, ' ')}
        {listing.certificates.map((c) => (
          <div key={c.number}>
            Certificate <code>{c.number}</code>
            {c.level && ` (${c.level})`} · {formatTime(c.issuedAt)}
          </div>
        ))}
      </dd>
      <dt>Warranty</dt>
      <dd>{listing.warrantyMonths} months</dd>
      <dt>Returns</dt>
      <dd>within {listing.returnWindowDays} days of delivery</dd>
    </dl>
  );
}
