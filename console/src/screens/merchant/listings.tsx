import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, type Answer } from '../../api/client.js';
import { formatMoney, formatTime, formatYuan, fromMinor, toMinor } from '../../api/types.js';
import { i18n } from '../../i18n/index.js';
import { erasureLabel, severityLabel, stateLabel } from '../../i18n/labels.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice, LoadMore } from '../../ui/feedback.js';
import { CancelButton, Field, FormFooter, localInvalid, oneOf, useForm } from '../../ui/form.js';
import { useLoad, usePagedLoad } from '../../ui/hooks.js';
import { AttachedPhotos } from '../../ui/photos.js';
import { Table } from '../../ui/table.js';
import { GradeTag } from './inventory.js';

const yuan = formatYuan;

type Listing = Answer<'get', '/listings/{id}'>;
const LISTING_STATES = ['DRAFT', 'PUBLISHED', 'RESERVED', 'SOLD', 'WITHDRAWN'] as const;

/** The allowed price band, as the merchant needs to read it next to the price input. */
export function bandText(l: Pick<Listing, 'pricing' | 'price'>): string {
  const p = l.pricing;
  if (p.floorMinor === null || p.ceilingMinor === null) return i18n.t('listings.anyPrice');
  return i18n.t('listings.band', {
    suggested: yuan(p.suggestedMinor, l.price.currency),
    floor: yuan(p.floorMinor, l.price.currency),
    ceiling: yuan(p.ceilingMinor, l.price.currency),
  });
}

export function ListingsScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState('');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/listings', {
        query: { state: oneOf(LISTING_STATES, state), limit: 100, cursor },
        signal,
      }),
    [state],
  );
  return (
    <section>
      <h1>{t('screens.listings')}</h1>
      <p className="muted">
        <Trans
          i18nKey="listings.fromInventory"
          components={{ a: <Link to="/console/merchant/inventory" /> }}
        />
      </p>
      <label className="inline">
        {t('common.show')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="">{t('common.all')}</option>
          {LISTING_STATES.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('screens.listings')}
          empty={t('listings.none')}
          rows={list.data?.items ?? []}
          rowKey={(l) => l.id}
          columns={[
            {
              header: t('listings.col.title'),
              cell: (l) => <Link to={`/console/merchant/listings/${l.id}`}>{l.title}</Link>,
            },
            { header: t('common.state'), cell: (l) => <StateBadge state={l.state} /> },
            { header: t('listings.col.grade'), cell: (l) => <GradeTag grade={l.grade} /> },
            {
              header: t('listings.col.price'),
              cell: (l) => formatMoney(l.price),
              className: 'num',
            },
            {
              header: t('listings.col.suggested'),
              cell: (l) => yuan(l.pricing.suggestedMinor, l.price.currency),
              className: 'num',
            },
            {
              header: t('listings.col.band'),
              cell: (l) =>
                l.pricing.floorMinor === null
                  ? t('common.any')
                  : `${yuan(l.pricing.floorMinor, l.price.currency)} – ${yuan(l.pricing.ceilingMinor, l.price.currency)}`,
            },
            { header: t('listings.col.published'), cell: (l) => formatTime(l.publishedAt) },
          ]}
        />
      )}
      <LoadMore list={list} />
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
  const { t } = useTranslation();
  const form = useForm({
    price: fromMinor(listing.price.amountMinor),
    title: listing.title,
    warrantyMonths: String(listing.warrantyMonths),
  });
  return (
    <form
      className="card"
      aria-label={t('listings.edit')}
      noValidate
      onSubmit={form.submit((v) => {
        const priceMinor = toMinor(v.price);
        const warranty = Number(v.warrantyMonths);
        const { floorMinor, ceilingMinor } = listing.pricing;
        // Said in yuan here, before the server would answer in fen.
        const outOfBand =
          floorMinor !== null &&
          ceilingMinor !== null &&
          (priceMinor < floorMinor || priceMinor > ceilingMinor);
        const fields = [
          ...(Number.isNaN(priceMinor)
            ? [{ field: 'priceMinor', errors: [t('listings.amountFormat')] }]
            : outOfBand
              ? [
                  {
                    field: 'priceMinor',
                    errors: [
                      t('errors.field.priceBand', {
                        floor: yuan(floorMinor, listing.price.currency),
                        ceiling: yuan(ceilingMinor, listing.price.currency),
                      }),
                    ],
                  },
                ]
              : []),
          ...(!Number.isInteger(warranty)
            ? [{ field: 'warrantyMonths', errors: [t('listings.wholeMonths')] }]
            : []),
        ];
        if (fields.length) return Promise.reject(localInvalid(fields));
        return api.patch('/listings/{id}', {
          path: { id: listing.id },
          body: {
            version: listing.version,
            priceMinor,
            title: v.title.trim(),
            warrantyMonths: warranty,
          },
        });
      }, done)}
    >
      <Field
        form={form}
        name="price"
        label={t('listings.priceLabel', { currency: listing.price.currency })}
        apiFields={['priceMinor']}
        inputMode="decimal"
        hint={bandText(listing)}
        autoFocus
      />
      <Field form={form} name="title" label={t('listings.col.title')} required />
      <Field
        form={form}
        name="warrantyMonths"
        label={t('listings.warranty')}
        inputMode="numeric"
        hint={t('listings.warrantyHint')}
      />
      <FormFooter
        form={form}
        label={t('common.save')}
        busyLabel={t('common.saving')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

export function ListingScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const one = useLoad((signal) => api.get('/listings/{id}', { path: { id }, signal }), [id]);
  const l = one.data;
  return (
    <section>
      <p>
        <Link to="/console/merchant/listings">← {t('screens.listings')}</Link>
      </p>
      <h1>{l?.title ?? t('screens.listing')}</h1>
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
            <p aria-label={t('listings.bandLabel')}>{bandText(l)}</p>
            {l.state === 'PUBLISHED' && <Notice kind="ok">{t('listings.onMarket')}</Notice>}
            <ActionBar
              resource={l}
              onDone={one.reload}
              actions={{
                edit: {
                  label: t('listings.editButton'),
                  form: (done, cancel) => (
                    <EditListingForm listing={l} done={done} cancel={cancel} />
                  ),
                },
                publish: {
                  label: t('listings.publish'),
                  run: (key) =>
                    api.post('/listings/{id}/publish', {
                      path: { id: l.id },
                      body: { version: l.version },
                      key,
                    }),
                },
                withdraw: {
                  label: t('listings.withdraw'),
                  danger: true,
                  confirm: t('listings.confirmWithdraw'),
                  run: (key) =>
                    api.post('/listings/{id}/withdraw', {
                      path: { id: l.id },
                      body: { version: l.version },
                      key,
                    }),
                },
              }}
            />
          </div>
          <ListingFacts listing={l} />
          <AttachedPhotos
            title={t('photos.listing')}
            purpose="listing"
            photos={(l.photos ?? []).map((p) => p.id)}
            attachTo={{ path: '/listings/{id}/photos', id: l.id }}
            open={l.state !== 'SOLD' && l.state !== 'WITHDRAWN'}
            onChange={one.reload}
          />
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
  const { t } = useTranslation();
  const i = listing.inspection;
  return (
    <dl className="facts">
      <dt>{t('listings.facts.inspection')}</dt>
      <dd>
        {i ? (
          <>
            {i.summary}
            {i.score !== null && ` · ${t('inspections.score', { score: i.score })}`}
            {i.standard &&
              ` · ${t('listings.facts.standard', { code: i.standard.code, version: i.standard.version })}`}
            {i.findings.length > 0 && (
              <ul>
                {i.findings.map((f) => (
                  <li key={f.label}>
                    {f.label}
                    {t('list.colon')}
                    {severityLabel(f.severity)}
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : (
          '—'
        )}
      </dd>
      <dt>{t('listings.facts.erasure')}</dt>
      <dd>
        {erasureLabel(listing.erasureStatus)}
        {listing.certificates.map((c) => (
          <div key={c.number}>
            {t('listings.facts.certificate')} <code>{c.number}</code>
            {c.level && ` (${c.level})`} · {formatTime(c.issuedAt)}
          </div>
        ))}
      </dd>
      <dt>{t('listings.facts.warranty')}</dt>
      <dd>{t('listings.facts.months', { n: listing.warrantyMonths })}</dd>
      <dt>{t('listings.facts.returns')}</dt>
      <dd>{t('listings.facts.returnWindow', { n: listing.returnWindowDays })}</dd>
    </dl>
  );
}
