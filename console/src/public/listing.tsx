import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { api } from '../api/client.js';
import type { MarketListing, SaleOrder } from '../api/resale.js';
import { formatMoney } from '../api/types.js';
import { useAuth } from '../auth.js';
import { PayPanel } from '../screens/customer/purchases.js';
import { ListingFacts } from '../screens/merchant/listings.js';
import { ErrorNotice, Loading, Notice } from '../ui/feedback.js';
import { Field, FormFooter, useForm } from '../ui/form.js';
import { useLoad } from '../ui/hooks.js';

function CheckoutForm({
  listing,
  onOrdered,
}: {
  listing: MarketListing;
  onOrdered: (o: SaleOrder) => void;
}) {
  const { me } = useAuth();
  const form = useForm({
    contactName: me?.name ?? '',
    contactPhone: me?.phone ?? '',
    cityCode: '',
    districtCode: '',
    line1: '',
    line2: '',
  });
  return (
    <form
      className="card"
      aria-label="Checkout"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.create<SaleOrder>('/sale-orders', {
            listingId: listing.id,
            shippingAddress: {
              contactName: v.contactName.trim(),
              contactPhone: v.contactPhone.replace(/[\s-]/g, ''),
              cityCode: v.cityCode.trim(),
              districtCode: v.districtCode.trim(),
              line1: v.line1.trim(),
              line2: v.line2.trim() || undefined,
            },
          }),
        onOrdered,
      )}
    >
      <h2>Shipping address</h2>
      <Field
        form={form}
        name="contactName"
        label="Name"
        apiFields={['shippingAddress.contactName']}
        autoComplete="name"
      />
      <Field
        form={form}
        name="contactPhone"
        label="Phone"
        apiFields={['shippingAddress.contactPhone']}
        inputMode="tel"
        placeholder="+8613800138000"
        autoComplete="tel"
      />
      <Field
        form={form}
        name="cityCode"
        label="City code"
        apiFields={['shippingAddress.cityCode']}
        placeholder="310100"
      />
      <Field
        form={form}
        name="districtCode"
        label="District code"
        apiFields={['shippingAddress.districtCode']}
        placeholder="310104"
      />
      <Field
        form={form}
        name="line1"
        label="Street and number"
        apiFields={['shippingAddress.line1']}
        autoComplete="address-line1"
      />
      <Field
        form={form}
        name="line2"
        label="Flat, building (optional)"
        apiFields={['shippingAddress.line2']}
        autoComplete="address-line2"
      />
      <FormFooter
        form={form}
        label={`Buy for ${formatMoney(listing.price)}`}
        busyLabel="Reserving"
      />
    </form>
  );
}

/** A listing's public page: grade in buyers' words, inspection, erasure, warranty; buying. */
export function ListingPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const { me } = useAuth();
  const listing = useLoad(
    (signal) => api.get<MarketListing>(`/market/listings/${id}`, {}, signal),
    [id],
  );
  const [order, setOrder] = useState<SaleOrder | null>(null);
  const orderNow = useLoad(
    (signal) =>
      order ? api.get<SaleOrder>(`/sale-orders/${order.id}`, {}, signal) : Promise.resolve(null),
    [order?.id],
  );
  const l = listing.data;
  const current = orderNow.data ?? order;
  return (
    <section>
      <p>
        <Link to="/market">← Market</Link>
      </p>
      {listing.loading && !l && <Loading />}
      <ErrorNotice error={listing.error} onRetry={listing.reload} />
      {l && (
        <div className="columns">
          <div>
            <h1>{l.title}</h1>
            <p className="price">{formatMoney(l.price)}</p>
            <dl className="facts" aria-label="Grade">
              <dt>Grade</dt>
              <dd>
                <span className={`grade grade-${l.grade}`}>{l.grade}</span> (tier{' '}
                {l.gradeLabels.tier})
              </dd>
              <dt>Back Market</dt>
              <dd>{l.gradeLabels.backMarket}</dd>
              <dt>Amazon Renewed</dt>
              <dd>{l.gradeLabels.amazonRenewed}</dd>
              <dt>GB/T 45656</dt>
              <dd>{l.gradeLabels.gbt45656.label}</dd>
              <dt>成新</dt>
              <dd>{l.gradeLabels.chengxin}</dd>
              <dt>Sold by</dt>
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
                Its whole history: <Link to={`/t/${l.traceCode}`}>item passport {l.traceCode}</Link>
              </p>
            )}
          </div>
          <aside>
            {current ? (
              current.state === 'PENDING_PAYMENT' ? (
                <PayPanel order={current} onPaid={orderNow.reload} />
              ) : (
                <Notice kind="ok">
                  Order {current.state === 'PAID' ? 'paid' : current.state.toLowerCase()}. Follow it
                  under <Link to="/console/my/purchases">My purchases</Link>.
                </Notice>
              )
            ) : !l.available ? (
              <Notice>This item is reserved or sold.</Notice>
            ) : !me ? (
              <p>
                <Link
                  className="button"
                  to={`/console/login?next=${encodeURIComponent(location.pathname)}`}
                >
                  Log in to buy
                </Link>
              </p>
            ) : me.role !== 'customer' ? (
              <Notice>Staff accounts cannot buy. Log in with a customer account.</Notice>
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
