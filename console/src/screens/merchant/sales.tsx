import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Row } from '../../api/client.js';
import { formatMoney, formatTime } from '../../api/types.js';
import { i18n } from '../../i18n/index.js';
import { stateLabel } from '../../i18n/labels.js';
import { numberText } from '../../i18n/format.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { PlaceName } from '../../ui/places.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import { CancelButton, Field, FormFooter, oneOf, useForm } from '../../ui/form.js';
import { useLoad, usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import { GradeTag } from './inventory.js';

type SaleOrder = Row<'/sale-orders'>;
const ORDER_STATES = ['PAID', 'PENDING_PAYMENT', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;

function ShipForm({
  order,
  done,
  cancel,
}: {
  order: SaleOrder;
  done: () => void;
  cancel: () => void;
}) {
  const { t } = useTranslation();
  const form = useForm({ carrier: '', trackingNumber: '' });
  return (
    <form
      className="card"
      aria-label={t('orders.ship')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/sale-orders/{id}/ship', {
            path: { id: order.id },
            body: {
              version: order.version,
              carrier: v.carrier.trim(),
              trackingNumber: v.trackingNumber.trim(),
            },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="carrier"
        label={t('orders.carrier')}
        placeholder={t('orders.carrierExample')}
        required
        autoFocus
      />
      <Field
        form={form}
        name="trackingNumber"
        label={t('orders.tracking')}
        hint={t('orders.trackingHint')}
        required
      />
      <FormFooter
        form={form}
        label={t('orders.confirmShipment')}
        busyLabel={t('common.saving')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

/** Orders to ship first; any other state on request. */
export function MerchantOrdersScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState('PAID');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/sale-orders', {
        query: { state: oneOf(ORDER_STATES, state), limit: 100, cursor },
        signal,
      }),
    [state],
  );
  return (
    <section>
      <h1>{t('screens.orders')}</h1>
      <label className="inline">
        {t('common.show')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="PAID">{t('orders.toShip')}</option>
          <option value="PENDING_PAYMENT">{stateLabel('PENDING_PAYMENT')}</option>
          <option value="SHIPPED">{stateLabel('SHIPPED')}</option>
          <option value="DELIVERED">{stateLabel('DELIVERED')}</option>
          <option value="CANCELLED">{stateLabel('CANCELLED')}</option>
          <option value="">{t('common.all')}</option>
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">{t('orders.none')}</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((o) => (
          <li key={o.id} className="card order">
            <h2>
              {formatMoney(o.price)} <StateBadge state={o.state} />
            </h2>
            {o.item && (
              <p className="order-item">
                <strong>
                  {o.item.model
                    ? `${o.item.model.brand} ${o.item.model.name}`
                    : t('orders.modelUnknown')}
                </strong>{' '}
                · {t('orders.traceCode')} <code>{o.item.traceCode}</code>
              </p>
            )}
            <p>
              {t('orders.soldAs')} <GradeTag grade={o.gradeSold} /> ·{' '}
              {t('purchases.ordered', { time: formatTime(o.createdAt) })}
              {o.payment.paidAt &&
                ` · ${t('purchases.paidAt', { time: formatTime(o.payment.paidAt) })}`}
            </p>
            <address>
              {o.shippingAddress.contactName}, {o.shippingAddress.contactPhone}
              <br />
              <PlaceName
                cityCode={o.shippingAddress.cityCode}
                districtCode={o.shippingAddress.districtCode}
              />{' '}
              {o.shippingAddress.line1} {o.shippingAddress.line2 ?? ''}
            </address>
            {o.shipment.trackingNumber && (
              <p>
                {o.shipment.carrier} <code>{o.shipment.trackingNumber}</code> ·{' '}
                {formatTime(o.shipment.shippedAt)}
              </p>
            )}
            <ActionBar
              resource={o}
              onDone={list.reload}
              actions={{
                ship: {
                  label: t('orders.ship'),
                  form: (done, cancel) => <ShipForm order={o} done={done} cancel={cancel} />,
                },
                // Delivery is proven by the carrier's webhook or the buyer; the merchant asks.
                'request-delivery-confirmation': {
                  label: t('orders.askConfirm'),
                  run: (key) =>
                    api.post('/sale-orders/{id}/request-delivery-confirmation', {
                      path: { id: o.id },
                      body: { version: o.version },
                      key,
                    }),
                },
              }}
            />
          </li>
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}

/** Buyer returns: asked for, and back with their re-inspected grade. */
export function MerchantReturnsScreen() {
  const { t } = useTranslation();
  const requested = usePagedLoad(
    (cursor, signal) =>
      api.get('/sale-orders', {
        query: { state: 'RETURN_REQUESTED', limit: 100, cursor },
        signal,
      }),
    [],
  );
  const returned = usePagedLoad(
    (cursor, signal) =>
      api.get('/sale-orders', { query: { state: 'RETURNED', limit: 100, cursor }, signal }),
    [],
  );
  const rows = [...(requested.data?.items ?? []), ...(returned.data?.items ?? [])];
  return (
    <section>
      <h1>{t('screens.returns')}</h1>
      <ErrorNotice error={requested.error ?? returned.error} onRetry={requested.reload} />
      {(requested.loading || returned.loading) && rows.length === 0 ? (
        <Loading />
      ) : (
        <Table
          caption={t('screens.returns')}
          empty={t('returns.none')}
          rows={rows}
          rowKey={(o) => o.id}
          columns={[
            { header: t('common.state'), cell: (o) => <StateBadge state={o.state} /> },
            { header: t('returns.col.price'), cell: (o) => formatMoney(o.price), className: 'num' },
            { header: t('returns.col.asked'), cell: (o) => formatTime(o.return?.requestedAt) },
            { header: t('returns.col.reason'), cell: (o) => o.return?.reason ?? '—' },
            { header: t('orders.soldAs'), cell: (o) => <GradeTag grade={o.gradeSold} /> },
            {
              header: t('returns.col.cameBack'),
              cell: (o) =>
                o.return?.grade ? <GradeTag grade={o.return.grade} /> : t('returns.inTransit'),
            },
            {
              header: t('returns.col.mismatch'),
              cell: (o) =>
                o.return?.gradeMismatch === null || o.return?.gradeMismatch === undefined ? (
                  '—'
                ) : o.return.gradeMismatch ? (
                  <span className="bad">{t('common.yes')}</span>
                ) : (
                  t('common.no')
                ),
            },
            {
              header: t('returns.col.refund'),
              cell: (o) => (o.refund ? formatMoney(o.refund) : '—'),
            },
          ]}
        />
      )}
      <LoadMore list={requested} />
      <LoadMore list={returned} />
    </section>
  );
}

const pct = (r: number | null) => (r === null ? '—' : `${numberText(r * 100, i18n.language, 1)}%`);
const hrs = (h: number | null) =>
  h === null ? '—' : i18n.t('performance.hours', { n: numberText(h, i18n.language, 1) });

export function MerchantPerformanceScreen() {
  const { t } = useTranslation();
  const [days, setDays] = useState('30');
  const perf = useLoad(
    (signal) =>
      api.get('/merchants/me/performance', {
        query: { days: days ? Number(days) : undefined },
        signal,
      }),
    [days],
  );
  const p = perf.data;
  return (
    <section>
      <h1>{t('screens.performance')}</h1>
      <label className="inline">
        {t('performance.period')}{' '}
        <select value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="7">{t('performance.lastDays', { n: 7 })}</option>
          <option value="30">{t('performance.lastDays', { n: 30 })}</option>
          <option value="90">{t('performance.lastDays', { n: 90 })}</option>
          <option value="">{t('performance.allTime')}</option>
        </select>
      </label>
      <ErrorNotice error={perf.error} onRetry={perf.reload} />
      {perf.loading && !p && <Loading />}
      {p && (
        <div className="columns">
          <dl className="facts" aria-label={t('performance.figures')}>
            <dt>{t('performance.sales')}</dt>
            <dd>
              {t('performance.salesValue', {
                amount: formatMoney(p.sales.revenue),
                n: p.sales.paid,
              })}
            </dd>
            <dt>{t('performance.refunded')}</dt>
            <dd>{formatMoney(p.sales.refunded)}</dd>
            <dt>{t('screens.listings')}</dt>
            <dd>
              {t('performance.listingsValue', { live: p.listings.live, sold: p.listings.sold })}
            </dd>
            <dt>{t('performance.returnRate')}</dt>
            <dd>
              {t('performance.returnRateValue', {
                rate: pct(p.returns.rate),
                n: p.returns.requested,
                of: p.sales.delivered,
              })}
            </dd>
            <dt>{t('performance.mismatchRate')}</dt>
            <dd>
              {t('performance.mismatchValue', {
                rate: pct(p.gradeMismatch.rate),
                n: p.gradeMismatch.count,
                of: p.returns.inspected,
              })}
            </dd>
            <dt>{t('performance.timeToShip')}</dt>
            <dd>
              {t('performance.timeToShipValue', {
                average: hrs(p.timeToShip.averageHours),
                median: hrs(p.timeToShip.medianHours),
                p90: hrs(p.timeToShip.p90Hours),
              })}
            </dd>
          </dl>
          <BarPanel
            title={t('performance.funnel')}
            labels={[
              t('performance.stage.ordered'),
              t('performance.stage.paid'),
              t('performance.stage.shipped'),
              t('performance.stage.delivered'),
              t('performance.stage.returned'),
            ]}
            series={[
              {
                label: t('screens.orders'),
                color: '#2f6f4f',
                values: [
                  p.sales.orders,
                  p.sales.paid,
                  p.timeToShip.shipped,
                  p.sales.delivered,
                  p.returns.requested,
                ],
              },
            ]}
          />
        </div>
      )}
    </section>
  );
}
