import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type Answer, type Row } from '../../api/client.js';
import { formatMoney, formatTime, formatYuan } from '../../api/types.js';
import { gradeLabel, severityLabel } from '../../i18n/labels.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, Notice } from '../../ui/feedback.js';
import { CancelButton, Field, FormFooter, useForm } from '../../ui/form.js';
import { useAction, useLoad } from '../../ui/hooks.js';

type SaleOrder = Row<'/sale-orders'>;
type PaymentIntent = Answer<'post', '/sale-orders/{id}/pay'>;
type ReturnEvidence = NonNullable<NonNullable<SaleOrder['return']>['evidence']>;

/**
 * Paying an order: the provider's intent, then its confirmation. With the built-in test
 * provider (never in production) the server offers a clearly-labelled test-mode completion
 * that goes through the provider's signed webhook like a real payment.
 */
export function PayPanel({
  order,
  onPaid,
}: {
  order: Pick<SaleOrder, 'id' | 'version' | 'reservedUntil' | 'price'>;
  onPaid: () => void;
}) {
  const { t } = useTranslation();
  const [intent, setIntent] = useState<PaymentIntent | null>(null);
  const start = useAction(async () => {
    setIntent(
      await api.post('/sale-orders/{id}/pay', {
        path: { id: order.id },
        key: `pay:${order.id}:v${order.version}`,
      }),
    );
  });
  const complete = useAction(async () => {
    await api.post('/sale-orders/{id}/test-payment', {
      path: { id: order.id },
      key: `test-payment:${order.id}:v${order.version}`,
    });
    onPaid();
  });
  return (
    <div className="card pay" aria-label={t('purchases.payment')}>
      <p>
        <Trans
          i18nKey="purchases.reservedUntil"
          values={{ time: formatTime(order.reservedUntil), amount: formatMoney(order.price) }}
          components={{ b: <b /> }}
        />
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
            {t('purchases.pay', { amount: formatMoney(order.price) })}
          </button>
        </div>
      ) : (
        <>
          <p>
            <Trans
              i18nKey="purchases.waiting"
              values={{ id: intent.intentId, provider: intent.provider }}
              components={{ code: <code /> }}
            />
          </p>
          {intent.testMode && (
            <div className="notice info test-mode" role="note">
              <strong>{t('purchases.testMode')}</strong> {t('purchases.testModeBody')}
              <div className="buttons">
                <button
                  type="button"
                  className="primary"
                  disabled={complete.busy}
                  aria-busy={complete.busy}
                  onClick={() => void complete.run()}
                >
                  {t('purchases.completeTest')}
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
  const { t } = useTranslation();
  const form = useForm({ reason: '' });
  return (
    <form
      className="card"
      aria-label={t('purchases.returnForm')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/sale-orders/{id}/request-return', {
            path: { id: order.id },
            body: { version: order.version, reason: v.reason.trim() },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="reason"
        label={t('purchases.returnWhy')}
        multiline
        required
        autoFocus
        hint={t('purchases.returnHint')}
      />
      <FormFooter
        form={form}
        label={t('purchases.requestReturn')}
        extra={<CancelButton onClick={cancel} />}
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
  const { t } = useTranslation();
  const side = (title: string, r: ReturnEvidence['beforeSale']) => (
    <div>
      <h3>{title}</h3>
      {r ? (
        <>
          <p>
            {gradeLabel(r.grade)} · {r.summary ?? ''} ({formatTime(r.completedAt)})
          </p>
          <ul>
            {r.findings
              .filter((f) => f.severity !== 'none')
              .map((f) => (
                <li key={f.checkId}>
                  {f.label}
                  {t('list.colon')}
                  {severityLabel(f.severity)}
                </li>
              ))}
          </ul>
        </>
      ) : (
        <p className="muted">{t('purchases.noReport')}</p>
      )}
    </div>
  );
  return (
    <div className="evidence" aria-label={t('purchases.evidence')}>
      <Notice kind="info">
        {t('purchases.deducted', {
          amount: formatYuan(evidence.deductionMinor, currency),
          damage: evidence.damage
            .map((d) => `${d.label} (${severityLabel(d.before)} → ${severityLabel(d.after)})`)
            .join(t('list.separator')),
          basis: evidence.basis,
        })}
      </Notice>
      <div className="columns">
        {side(t('purchases.whenSold'), evidence.beforeSale)}
        {side(t('purchases.afterReturn'), evidence.afterReturn)}
      </div>
    </div>
  );
}

/** A buyer's orders: pay, follow, confirm delivery, return within the window. */
export function MyPurchasesScreen() {
  const { t } = useTranslation();
  const list = useLoad((signal) => api.get('/sale-orders', { signal }), []);
  return (
    <section>
      <h1>{t('screens.myPurchases')}</h1>
      <p className="muted">
        <Trans i18nKey="purchases.findMore" components={{ a: <Link to="/market" /> }} />
      </p>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">{t('purchases.none')}</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((o) => (
          <li key={o.id} className="card">
            <h2>
              {formatMoney(o.price)} <StateBadge state={o.state} />
            </h2>
            <p>
              {t('purchases.ordered', { time: formatTime(o.createdAt) })}
              {o.payment.paidAt &&
                ` · ${t('purchases.paidAt', { time: formatTime(o.payment.paidAt) })}`}
              {o.shipment.trackingNumber &&
                ` · ${o.shipment.carrier ?? ''} ${o.shipment.trackingNumber}`}
              {o.returnDeadline &&
                ` · ${t('purchases.returnsUntil', { time: formatTime(o.returnDeadline) })}`}
            </p>
            {o.refund && (
              <Notice kind="ok">
                {t('purchases.refunded', { amount: formatMoney(o.refund) })}
              </Notice>
            )}
            {o.return?.evidence?.outcome === 'partial-refund' && (
              <ReturnEvidencePanel evidence={o.return.evidence} currency={o.price.currency} />
            )}
            {o.state === 'PENDING_PAYMENT' && <PayPanel order={o} onPaid={list.reload} />}
            <ActionBar
              resource={o}
              onDone={list.reload}
              actions={{
                cancel: {
                  label: t('purchases.cancel'),
                  danger: true,
                  confirm: t('purchases.confirmCancel'),
                  run: (key) =>
                    api.post('/sale-orders/{id}/cancel', {
                      path: { id: o.id },
                      body: { version: o.version },
                      key,
                    }),
                },
                'confirm-delivery': {
                  label: t('purchases.received'),
                  confirm: t('purchases.confirmReceived'),
                  run: (key) =>
                    api.post('/sale-orders/{id}/confirm-delivery', {
                      path: { id: o.id },
                      body: { version: o.version },
                      key,
                    }),
                },
                'request-return': {
                  label: t('purchases.returnIt'),
                  form: (done, cancel) => <ReturnForm order={o} done={done} cancel={cancel} />,
                },
                'rebook-return': {
                  label: t('purchases.rebook'),
                  run: (key) =>
                    api.post('/sale-orders/{id}/rebook-return', {
                      path: { id: o.id },
                      body: { version: o.version },
                      key,
                    }),
                },
                'withdraw-return': {
                  label: t('purchases.keep'),
                  confirm: t('purchases.confirmKeep'),
                  run: (key) =>
                    api.post('/sale-orders/{id}/withdraw-return', {
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
    </section>
  );
}
