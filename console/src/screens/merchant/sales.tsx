import { useState } from 'react';
import { api, type Page } from '../../api/client.js';
import type { SaleOrder } from '../../api/resale.js';
import { formatMoney, formatTime, type Money, type Stateful } from '../../api/types.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import { GradeTag } from './inventory.js';

function ShipForm({
  order,
  done,
  cancel,
}: {
  order: SaleOrder;
  done: () => void;
  cancel: () => void;
}) {
  const form = useForm({ carrier: '', trackingNumber: '' });
  return (
    <form
      className="card"
      aria-label="Ship"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/sale-orders/${order.id}/ship`, {
            version: order.version,
            carrier: v.carrier.trim(),
            trackingNumber: v.trackingNumber.trim(),
          }),
        done,
      )}
    >
      <Field form={form} name="carrier" label="Carrier" placeholder="SF Express" autoFocus />
      <Field
        form={form}
        name="trackingNumber"
        label="Tracking number"
        hint="6–40 letters or digits"
      />
      <FormFooter
        form={form}
        label="Confirm shipment"
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

/** Orders to ship first; any other state on request. */
export function MerchantOrdersScreen() {
  const [state, setState] = useState('PAID');
  const list = useLoad(
    (signal) => api.get<Page<SaleOrder>>('/sale-orders', { state, limit: 100 }, signal),
    [state],
  );
  return (
    <section>
      <h1>Orders</h1>
      <label className="inline">
        Show{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="PAID">to ship (paid)</option>
          <option value="PENDING_PAYMENT">awaiting payment</option>
          <option value="SHIPPED">shipped</option>
          <option value="DELIVERED">delivered</option>
          <option value="CANCELLED">cancelled</option>
          <option value="">all</option>
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">No orders here.</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((o) => (
          <li key={o.id} className="card order">
            <h2>
              {formatMoney(o.price)} <StateBadge state={o.state} />
            </h2>
            <p>
              Sold as <GradeTag grade={o.gradeSold} /> · ordered {formatTime(o.createdAt)}
              {o.payment.paidAt && ` · paid ${formatTime(o.payment.paidAt)}`}
            </p>
            <address>
              {o.shippingAddress.contactName}, {o.shippingAddress.contactPhone}
              <br />
              {o.shippingAddress.line1} {o.shippingAddress.line2 ?? ''} (
              {o.shippingAddress.districtCode})
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
                  label: 'Ship',
                  form: (done, cancel) => <ShipForm order={o} done={done} cancel={cancel} />,
                },
                // Delivery is proven by the carrier's webhook or the buyer; the merchant asks.
                'request-delivery-confirmation': {
                  label: 'Ask the buyer to confirm delivery',
                  run: () =>
                    api.post(`/sale-orders/${o.id}/request-delivery-confirmation`, {
                      version: o.version,
                    }),
                },
              }}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Buyer returns: asked for, and back with their re-inspected grade. */
export function MerchantReturnsScreen() {
  const requested = useLoad(
    (signal) =>
      api.get<Page<SaleOrder>>('/sale-orders', { state: 'RETURN_REQUESTED', limit: 100 }, signal),
    [],
  );
  const returned = useLoad(
    (signal) => api.get<Page<SaleOrder>>('/sale-orders', { state: 'RETURNED', limit: 100 }, signal),
    [],
  );
  const rows = [...(requested.data?.items ?? []), ...(returned.data?.items ?? [])];
  return (
    <section>
      <h1>Returns</h1>
      <ErrorNotice error={requested.error ?? returned.error} onRetry={requested.reload} />
      {(requested.loading || returned.loading) && rows.length === 0 ? (
        <Loading />
      ) : (
        <Table
          caption="Returns"
          empty="No returns."
          rows={rows}
          rowKey={(o) => o.id}
          columns={[
            { header: 'State', cell: (o) => <StateBadge state={o.state} /> },
            { header: 'Price', cell: (o) => formatMoney(o.price), className: 'num' },
            { header: 'Asked', cell: (o) => formatTime(o.return?.requestedAt) },
            { header: 'Reason', cell: (o) => o.return?.reason ?? '—' },
            { header: 'Sold as', cell: (o) => <GradeTag grade={o.gradeSold} /> },
            {
              header: 'Came back as',
              cell: (o) => (o.return?.grade ? <GradeTag grade={o.return.grade} /> : 'in transit'),
            },
            {
              header: 'Grade mismatch',
              cell: (o) =>
                o.return?.gradeMismatch === null || o.return?.gradeMismatch === undefined ? (
                  '—'
                ) : o.return.gradeMismatch ? (
                  <span className="bad">yes</span>
                ) : (
                  'no'
                ),
            },
            { header: 'Refund', cell: (o) => (o.refund ? formatMoney(o.refund) : '—') },
          ]}
        />
      )}
    </section>
  );
}

interface Performance {
  merchant: { name: string };
  listings: { live: number; sold: number };
  sales: { orders: number; paid: number; delivered: number; revenue: Money; refunded: Money };
  returns: { requested: number; inspected: number; rate: number | null };
  gradeMismatch: { count: number; rate: number | null };
  timeToShip: {
    shipped: number;
    averageHours: number | null;
    medianHours: number | null;
    p90Hours: number | null;
  };
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)} %`);
const hrs = (h: number | null) => (h === null ? '—' : `${h.toFixed(1)} h`);

export function MerchantPerformanceScreen() {
  const [days, setDays] = useState('30');
  const perf = useLoad(
    (signal) =>
      api.get<Performance>('/merchants/me/performance', { days: days || undefined }, signal),
    [days],
  );
  const p = perf.data;
  return (
    <section>
      <h1>Performance</h1>
      <label className="inline">
        Period{' '}
        <select value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="7">last 7 days</option>
          <option value="30">last 30 days</option>
          <option value="90">last 90 days</option>
          <option value="">all time</option>
        </select>
      </label>
      <ErrorNotice error={perf.error} onRetry={perf.reload} />
      {perf.loading && !p && <Loading />}
      {p && (
        <div className="columns">
          <dl className="facts" aria-label="Figures">
            <dt>Sales</dt>
            <dd>
              {formatMoney(p.sales.revenue)} from {p.sales.paid} paid orders
            </dd>
            <dt>Refunded</dt>
            <dd>{formatMoney(p.sales.refunded)}</dd>
            <dt>Listings</dt>
            <dd>
              {p.listings.live} live · {p.listings.sold} sold
            </dd>
            <dt>Return rate</dt>
            <dd>
              {pct(p.returns.rate)} ({p.returns.requested} of {p.sales.delivered} delivered)
            </dd>
            <dt>Grade mismatch rate</dt>
            <dd>
              {pct(p.gradeMismatch.rate)} ({p.gradeMismatch.count} of {p.returns.inspected}{' '}
              re-inspected returns)
            </dd>
            <dt>Time to ship</dt>
            <dd>
              average {hrs(p.timeToShip.averageHours)} · median {hrs(p.timeToShip.medianHours)} · 90
              % within {hrs(p.timeToShip.p90Hours)}
            </dd>
          </dl>
          <BarPanel
            title="Orders from checkout to return"
            labels={['Ordered', 'Paid', 'Shipped', 'Delivered', 'Returned']}
            series={[
              {
                label: 'Orders',
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

interface PaperworkTask extends Stateful {
  saleOrderId: string;
  vin: string;
  kind: string;
  reference: string | null;
  blockedReason: string | null;
  doneAt: string | null;
  createdAt: string;
}

function PaperworkForm({
  task,
  action,
  done,
  cancel,
}: {
  task: PaperworkTask;
  action: 'complete' | 'block';
  done: () => void;
  cancel: () => void;
}) {
  const form = useForm({ text: '' });
  const field = action === 'complete' ? 'reference' : 'reason';
  return (
    <form
      className="card"
      aria-label={action === 'complete' ? 'Complete task' : 'Block task'}
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/vehicle-paperwork/${task.id}/${action}`, {
            version: task.version,
            [field]: v.text.trim() || undefined,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="text"
        apiFields={[field]}
        label={action === 'complete' ? 'Certificate or policy number' : 'Why is it blocked?'}
        multiline={action === 'block'}
        autoFocus
      />
      <FormFooter
        form={form}
        label={action === 'complete' ? 'Mark done' : 'Block'}
        extra={
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        }
      />
    </form>
  );
}

const KIND_LABEL: Record<string, string> = {
  'ownership-transfer': 'Ownership transfer',
  registration: 'Registration',
  insurance: 'Insurance',
};

/** Car sales: the transfer, registration and insurance tasks of each sold vehicle. */
export function PaperworkScreen() {
  const [state, setState] = useState('OPEN');
  const list = useLoad(
    (signal) => api.get<Page<PaperworkTask>>('/vehicle-paperwork', { state, limit: 100 }, signal),
    [state],
  );
  return (
    <section>
      <h1>Vehicle paperwork</h1>
      <label className="inline">
        Show{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          <option value="OPEN">open</option>
          <option value="BLOCKED">blocked</option>
          <option value="DONE">done</option>
          <option value="">all</option>
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">No paperwork here.</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((t) => (
          <li key={t.id} className="card">
            <h2>
              {KIND_LABEL[t.kind] ?? t.kind} <StateBadge state={t.state} />
            </h2>
            <p>
              VIN <code>{t.vin}</code> · sale order <code>{t.saleOrderId.slice(0, 8)}</code> ·
              opened {formatTime(t.createdAt)}
            </p>
            {t.blockedReason && <p className="bad">Blocked: {t.blockedReason}</p>}
            {t.reference && <p>Reference {t.reference}</p>}
            <ActionBar
              resource={t}
              onDone={list.reload}
              actions={{
                complete: {
                  label: 'Mark done',
                  form: (done, cancel) => (
                    <PaperworkForm task={t} action="complete" done={done} cancel={cancel} />
                  ),
                },
                block: {
                  label: 'Block',
                  danger: true,
                  form: (done, cancel) => (
                    <PaperworkForm task={t} action="block" done={done} cancel={cancel} />
                  ),
                },
                unblock: {
                  label: 'Unblock',
                  run: () => api.post(`/vehicle-paperwork/${t.id}/unblock`, { version: t.version }),
                },
              }}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
