import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client.js';
import { formatMoney, formatTime, formatYuan } from '../../api/types.js';
import { currentLanguage, currentTimeZone, i18n } from '../../i18n/index.js';
import { localeFor } from '../../i18n/format.js';
import { lineText } from './sell.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';

/** The time of day of an instant in the user's time zone (`13:00`). */
function clockTime(iso: string): string {
  return new Intl.DateTimeFormat(localeFor(currentLanguage()), {
    timeStyle: 'short',
    timeZone: currentTimeZone(),
  }).format(new Date(iso));
}

/** The owner's trade-ins: state, quotes and final offers, and what they may do now. */
export function MyTradeInsScreen() {
  const { t } = useTranslation();
  const list = useLoad((signal) => api.get('/trade-ins', { signal }), []);
  return (
    <section>
      <h1>{t('screens.myTradeIns')}</h1>
      <p>
        <Link to="/console/my/sell" className="button">
          {t('sell.another')}
        </Link>
      </p>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data?.items.length === 0 && <p className="muted">{t('tradeIns.none')}</p>}
      <ul className="cards">
        {(list.data?.items ?? []).map((t) => (
          <TradeInCard key={t.id} id={t.id} onChanged={list.reload} />
        ))}
      </ul>
    </section>
  );
}

/**
 * One trade-in with its items: the list gives only a summary (no items), so each card loads
 * the order itself.
 */
function TradeInCard({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t: say } = useTranslation();
  const one = useLoad((signal) => api.get('/trade-ins/{id}', { path: { id }, signal }), [id]);
  const t = one.data;
  const reload = () => {
    one.reload();
    onChanged();
  };
  if (!t) {
    return (
      <li className="card">
        <ErrorNotice error={one.error} onRetry={one.reload} />
        {!one.error && <Loading />}
      </li>
    );
  }
  return (
    <li className="card">
      <h2>
        {t.id.slice(0, 8)} <StateBadge state={t.state} />
      </h2>
      <p>
        {say('tradeIns.quote', { amount: formatMoney(t.quotedTotal) })}
        {t.quoteValidUntil &&
          ` · ${say('tradeIns.validUntil', { time: formatTime(t.quoteValidUntil) })}`}
      </p>
      {t.pickup?.promisedWindow && (
        <p>
          {say('tradeIns.pickupWindow', {
            from: formatTime(t.pickup.promisedWindow.start),
            until: clockTime(t.pickup.promisedWindow.end),
          })}
        </p>
      )}
      <ul>
        {t.items.map((it) => (
          <li key={it.id}>
            {it.traceCode ?? say('tradeIns.item')} <StateBadge state={it.state} /> ·{' '}
            {say('tradeIns.itemQuote', { amount: formatMoney(it.quote) })}
            {it.finalOffer && (
              <> · {say('tradeIns.finalOffer', { amount: formatMoney(it.finalOffer) })}</>
            )}
            {it.explanation && it.explanation.lines.length > 0 && it.state === 'OFFER_PENDING' && (
              <ul className="price-lines" aria-label={say('tradeIns.whyLower')}>
                {it.explanation.lines.map((l, i) => (
                  // The grade drop comes as one line per check that caused it: same code.
                  <li
                    key={`${l.code}:${i}`}
                    className={l.differenceMinor < 0 ? 'lowered' : undefined}
                  >
                    <span>
                      {l.code === 'grade'
                        ? say('tradeIns.gradeFound')
                        : lineText({ ...l, amountMinor: l.differenceMinor })}
                    </span>
                    <span>
                      {l.differenceMinor < 0 ? '−' : '+'}
                      {formatYuan(Math.abs(l.differenceMinor))}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {it.payout && (
              <p>
                {say('tradeIns.payout', {
                  amount: formatMoney(it.payout),
                  status: i18n.t(`tradeIns.payoutStatus.${it.payout.status}`, {
                    defaultValue: it.payout.status,
                  }),
                })}
              </p>
            )}
            <ActionBar
              resource={it}
              onDone={reload}
              actions={{
                'accept-offer': {
                  label: say('tradeIns.acceptOffer'),
                  confirm: say('tradeIns.confirmAcceptOffer', {
                    amount: formatMoney(it.finalOffer),
                  }),
                  run: (key) =>
                    api.post('/trade-ins/{id}/items/{itemId}/accept-offer', {
                      path: { id: t.id, itemId: it.id },
                      body: { version: it.version },
                      key,
                    }),
                },
                'reject-offer': {
                  label: say('tradeIns.rejectOffer'),
                  danger: true,
                  confirm: say('tradeIns.confirmRejectOffer'),
                  run: (key) =>
                    api.post('/trade-ins/{id}/items/{itemId}/reject-offer', {
                      path: { id: t.id, itemId: it.id },
                      body: { version: it.version },
                      key,
                    }),
                },
              }}
            />
          </li>
        ))}
      </ul>
      <ActionBar
        resource={t}
        onDone={reload}
        actions={{
          accept: {
            label: say('tradeIns.acceptQuote'),
            run: (key) =>
              api.post('/trade-ins/{id}/accept', {
                path: { id: t.id },
                body: { version: t.version },
                key,
              }),
          },
          cancel: {
            label: say('tradeIns.cancel'),
            danger: true,
            confirm: say('tradeIns.confirmCancel'),
            run: (key) =>
              api.post('/trade-ins/{id}/cancel', {
                path: { id: t.id },
                body: { version: t.version },
                key,
              }),
          },
        }}
      />
    </li>
  );
}
