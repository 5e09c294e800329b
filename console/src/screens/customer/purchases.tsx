import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Page } from '../../api/client.js';
import type { PaymentIntent, ReturnEvidence, SaleOrder } from '../../api/resale.js';
import { formatMoney, formatTime } from '../../api/types.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useAction, useLoad } from '../../ui/hooks.js';

/**
 * Paying an order: the provider's intent, then its confirmation. With the built-in test
 * provider (never in production) the server offers a clearly-labelled test-mode completion
 * that goes through the provider's signed webhook like a real payment.
 */
export function PayPanel({ order, onPaid }: { order: SaleOrder; onPaid: () => void }) {
  const [intent, setIntent] = useState<PaymentIntent | null>(null);
  const start = useAction(async () => {
    setIntent(await api.post<PaymentIntent>(`/sale-orders/${order.id}/pay`));
  });
  const complete = useAction(async () => {
    await api.post(`/sale-orders/${order.id}/test-payment`);
    onPaid();
  });
  return (
    <div className="card pay" aria-label="Payment">
      <p>
        Reserved for you until <b>{formatTime(order.reservedUntil)}</b>. Pay{' '}
        {formatMoney(order.price)} before then.
      </p>
      {!intent ? (
        <div className="buttons">
          <button
            type="button"
            className="primary"
            disabled={start.busy}
            aria-busy={start.busy}
            onClick={() => void start.run()}
          >
            Pay {formatMoney(order.price)}
          </button>
        </div>
      ) : (
        <>
          <p>
            Payment <code>{intent.intentId}</code> with {intent.provider} is waiting for the
            provider&apos;s confirmation.
          </p>
          {intent.testMode && (
            <div className="notice info test-mode" role="note">
              <strong>Test mode.</strong> No money moves: the built-in test provider confirms this
              payment through its signed webhook.
              <div className="buttons">
                <button
                  type="button"
                  className="primary"
                  disabled={complete.busy}
                  aria-busy={complete.busy}
                  onClick={() => void complete.run()}
                >
                  Complete test payment
                </button>
              </div>
            </div>
          )}
        </>
      )}
      <ErrorNotice error={start.error ?? complete.error} onRetry={onPaid} />
    </div>
  );
}

function ReturnForm({
  order,
  done,
  cancel,
}: {
  order: SaleOrder;
  done: () => void;
  cancel: () => void;
}) {
  const form = useForm({ reason: '' });
  return (
    <form
      className="card"
      aria-label="Return"
      noValidate
      onSubmit={form.submit(
        (v) =>
          api.post(`/sale-orders/${order.id}/request-return`, {
            version: order.version,
            reason: v.reason.trim(),
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="reason"
        label="Why are you returning it?"
        multiline
        autoFocus
        hint="A courier collects it from your delivery address."
      />
      <FormFooter
        form={form}
        label="Request return"
        extra={
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        }
      />
    </form>
  );
}

/**
 * A partial refund: the report the item was sold with next to the re-inspection's, the damage
 * charged and why. The buyer may dispute it with a support case about the order.
 */
function ReturnEvidencePanel({
  evidence,
  currency,
}: {
  evidence: ReturnEvidence;
  currency: string;
}) {
  const side = (title: string, r: ReturnEvidence['beforeSale']) => (
    <div>
      <h3>{title}</h3>
      {r ? (
        <>
          <p>
            {r.grade} · {r.summary ?? ''} ({formatTime(r.completedAt)})
          </p>
          <ul>
            {r.findings
              .filter((f) => f.severity !== 'none')
              .map((f) => (
                <li key={f.checkId}>
                  {f.label}: {f.severity}
                </li>
              ))}
          </ul>
        </>
      ) : (
        <p className="muted">No report.</p>
      )}
    </div>
  );
  return (
    <div className="evidence" aria-label="Return evidence">
      <Notice kind="info">
        {formatMoney({ amountMinor: evidence.deductionMinor, currency })} deducted for damage:{' '}
        {evidence.damage.map((d) => `${d.label} (${d.before} → ${d.after})`).join(', ')}. Basis:{' '}
        {evidence.basis}. Disagree? Open a support case about this order.
      </Notice>
      <div className="columns">
        {side('When sold', evidence.beforeSale)}
        {side('After your return', evidence.afterReturn)}
      </div>
    </div>
  );
}

/** A buyer's orders: pay, follow, confirm delivery, return within the window. */
export function MyPurchasesScreen() {
  const list = useLoad((signal) => api.get<Page<SaleOrder>>('/sale-orders', {}, signal), []);
  return (
    <section>
      <h1>My purchases</h1>
      <p className="muted">
        Find more on the <Link to="/market">market</Link>.
      </p>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">You have bought nothing yet.</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((o) => (
          <li key={o.id} className="card">
            <h2>
              {formatMoney(o.price)} <StateBadge state={o.state} />
            </h2>
            <p>
              Ordered {formatTime(o.createdAt)}
              {o.payment.paidAt && ` · paid ${formatTime(o.payment.paidAt)}`}
              {o.shipment.trackingNumber &&
                ` · ${o.shipment.carrier ?? ''} ${o.shipment.trackingNumber}`}
              {o.returnDeadline && ` · returns until ${formatTime(o.returnDeadline)}`}
            </p>
            {o.refund && <Notice kind="ok">Refunded {formatMoney(o.refund)}.</Notice>}
            {o.return?.evidence?.outcome === 'partial-refund' && (
              <ReturnEvidencePanel evidence={o.return.evidence} currency={o.price.currency} />
            )}
            {o.state === 'PENDING_PAYMENT' && <PayPanel order={o} onPaid={list.reload} />}
            <ActionBar
              resource={o}
              onDone={list.reload}
              actions={{
                cancel: {
                  label: 'Cancel order',
                  danger: true,
                  run: () => api.post(`/sale-orders/${o.id}/cancel`, { version: o.version }),
                },
                'confirm-delivery': {
                  label: 'I received it',
                  run: () =>
                    api.post(`/sale-orders/${o.id}/confirm-delivery`, { version: o.version }),
                },
                'request-return': {
                  label: 'Return it',
                  form: (done, cancel) => <ReturnForm order={o} done={done} cancel={cancel} />,
                },
                'rebook-return': {
                  label: 'Book the return pickup again',
                  run: () => api.post(`/sale-orders/${o.id}/rebook-return`, { version: o.version }),
                },
                'withdraw-return': {
                  label: 'Keep the item after all',
                  run: () =>
                    api.post(`/sale-orders/${o.id}/withdraw-return`, { version: o.version }),
                },
              }}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
