import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router-dom';
import { api, type Answer } from '../api/client.js';
import { formatMoney } from '../api/types.js';
import { useAuth } from '../auth.js';
import { PayPanel } from '../screens/customer/purchases.js';
import { ListingFacts } from '../screens/merchant/listings.js';
import { ErrorNotice, Loading, Notice } from '../ui/feedback.js';
import { Field, FormFooter, useForm } from '../ui/form.js';
import { useLoad } from '../ui/hooks.js';
import { localName, useCities, useDistricts } from '../ui/places.js';
import { gradeLabel, stateLabel } from '../i18n/labels.js';
import { PhotoThumb } from '../ui/photos.js';

type MarketListing = Answer<'get', '/market/listings/{id}'>;
type SaleOrder = Answer<'get', '/sale-orders/{id}'>;

function CheckoutForm({
  listing,
  onOrdered,
}: {
  listing: MarketListing;
  onOrdered: (o: SaleOrder) => void;
}) {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const form = useForm({
    contactName: me?.name ?? '',
    contactPhone: me?.phone ?? '',
    cityCode: '',
    districtCode: '',
    line1: '',
    line2: '',
  });
  // City and district are picked by name from the areas we serve (their codes go to the API).
  const cities = useCities() ?? [];
  const districts = useDistricts(form.values.cityCode) ?? [];
  const choose = { value: '', label: t('places.choose') };
  return (
    <form
      className="card"
      aria-label={t('checkout.title')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/sale-orders', {
            body: {
              listingId: listing.id,
              shippingAddress: {
                contactName: v.contactName.trim(),
                contactPhone: v.contactPhone.replace(/[\s-]/g, ''),
                cityCode: v.cityCode.trim(),
                districtCode: v.districtCode.trim(),
                line1: v.line1.trim(),
                line2: v.line2.trim() || undefined,
              },
            },
            key,
          }),
        onOrdered,
      )}
    >
      <h2>{t('checkout.address')}</h2>
      <Field
        form={form}
        name="contactName"
        label={t('checkout.name')}
        required
        apiFields={['shippingAddress.contactName']}
        autoComplete="name"
      />
      <Field
        form={form}
        name="contactPhone"
        label={t('checkout.phone')}
        apiFields={['shippingAddress.contactPhone']}
        inputMode="tel"
        required
        placeholder="138 0013 8000"
        hint={t('checkout.phoneHint')}
        autoComplete="tel"
      />
      <Field
        form={{
          ...form,
          // A new city empties the district (its districts are others).
          set: (name, value) => form.setValues({ ...form.values, [name]: value, districtCode: '' }),
        }}
        name="cityCode"
        label={t('places.city')}
        apiFields={['shippingAddress.cityCode']}
        required
        options={[
          choose,
          ...cities.map((c) => ({ value: c.cityCode, label: localName(c, i18n.language) })),
        ]}
      />
      <Field
        form={form}
        name="districtCode"
        label={t('places.district')}
        apiFields={['shippingAddress.districtCode']}
        required
        options={[
          choose,
          ...districts.map((d) => ({ value: d.code, label: localName(d, i18n.language) })),
        ]}
      />
      <Field
        form={form}
        name="line1"
        label={t('checkout.line1')}
        required
        apiFields={['shippingAddress.line1']}
        autoComplete="address-line1"
      />
      <Field
        form={form}
        name="line2"
        label={t('checkout.line2')}
        apiFields={['shippingAddress.line2']}
        autoComplete="address-line2"
      />
      <FormFooter
        form={form}
        label={t('checkout.buyFor', { amount: formatMoney(listing.price) })}
        busyLabel={t('checkout.reserving')}
      />
    </form>
  );
}

/** A listing's public page: grade in buyers' words, inspection, erasure, warranty; buying. */
export function ListingPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const location = useLocation();
  const { me } = useAuth();
  const listing = useLoad(
    (signal) => api.get('/market/listings/{id}', { path: { id }, signal }),
    [id],
  );
  const [order, setOrder] = useState<SaleOrder | null>(null);
  const orderNow = useLoad(
    (signal) =>
      order
        ? api.get('/sale-orders/{id}', { path: { id: order.id }, signal })
        : Promise.resolve(null),
    [order?.id],
  );
  const l = listing.data;
  const current = orderNow.data ?? order;
  return (
    <section>
      <p>
        <Link to="/market">← {t('layout.market')}</Link>
      </p>
      {listing.loading && !l && <Loading />}
      <ErrorNotice error={listing.error} onRetry={listing.reload} />
      {l && (
        <div className="columns">
          <div>
            <h1>{l.title}</h1>
            {(l.photos ?? []).length > 0 && (
              <div className="market-photos" aria-label={t('photos.title')}>
                {(l.photos ?? []).map((p, n) => (
                  <a key={p.id} href={`/api/v1/market/photos/${p.id}/image`}>
                    <PhotoThumb
                      publicPhoto
                      id={p.id}
                      alt={t('photos.ofListing', { title: l.title, n: n + 1 })}
                      size={200}
                    />
                  </a>
                ))}
              </div>
            )}
            <p className="price">{formatMoney(l.price)}</p>
            <dl className="facts" aria-label={t('market.grade')}>
              <dt>{t('market.grade')}</dt>
              <dd>
                <span className={`grade grade-${l.grade}`}>{gradeLabel(l.grade)}</span>{' '}
                {t('market.tier', { tier: l.gradeLabels.tier })}
              </dd>
              <dt>Back Market</dt>
              <dd>{l.gradeLabels.backMarket}</dd>
              <dt>Amazon Renewed</dt>
              <dd>{l.gradeLabels.amazonRenewed}</dd>
              <dt>GB/T 45656</dt>
              <dd>{l.gradeLabels.gbt45656.label}</dd>
              <dt>成新</dt>
              <dd>{l.gradeLabels.chengxin}</dd>
              <dt>{t('market.soldBy')}</dt>
              <dd>{l.merchant.name}</dd>
            </dl>
            {l.description && <p>{l.description}</p>}
            <ListingFacts
              listing={{
                inspection: l.inspection,
                warrantyMonths: l.warrantyMonths,
                returnWindowDays: l.returnWindowDays,
                erasureStatus: l.erasure.status,
                certificates: l.erasure.certificates,
              }}
            />
            {l.traceCode && (
              <p>
                {t('market.history')}{' '}
                <Link to={`/t/${l.traceCode}`}>
                  {t('market.passportLink', { code: l.traceCode })}
                </Link>
              </p>
            )}
          </div>
          <aside>
            {current ? (
              current.state === 'PENDING_PAYMENT' ? (
                <PayPanel order={current} onPaid={orderNow.reload} />
              ) : (
                <Notice kind="ok">
                  <Trans
                    i18nKey="market.ordered"
                    values={{ state: stateLabel(current.state) }}
                    components={{ a: <Link to="/console/my/purchases" /> }}
                  />
                </Notice>
              )
            ) : !l.available ? (
              <Notice>{t('market.unavailable')}</Notice>
            ) : !me ? (
              <p>
                <Link
                  className="button"
                  to={`/console/login?next=${encodeURIComponent(location.pathname)}`}
                >
                  {t('market.loginToBuy')}
                </Link>
              </p>
            ) : me.role !== 'customer' ? (
              <Notice>{t('market.staffCannotBuy')}</Notice>
            ) : (
              <CheckoutForm listing={l} onOrdered={setOrder} />
            )}
            <ErrorNotice error={orderNow.error} onRetry={orderNow.reload} />
          </aside>
        </div>
      )}
    </section>
  );
}
