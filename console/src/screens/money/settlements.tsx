import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, fetchWithSession, ApiError, type Answer, type Row } from '../../api/client.js';
import { formatYuan } from '../../api/types.js';
import { useMe } from '../../auth.js';
import { i18n } from '../../i18n/index.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useAction, useLoad, usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

type Statement = Row<'/settlements'>;
type CommissionRule = Answer<'get', '/merchants/{id}/commission-rule'>;

/** The statement's CSV needs the session, so it is fetched and handed over as a file. */
async function downloadCsv(s: Statement) {
  const res = await fetchWithSession(`/api/v1/settlements/${s.id}/csv`);
  if (!res.ok) {
    throw new ApiError({ statusCode: res.status, error: res.statusText, message: res.statusText });
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `settlement-${s.period.from}-${s.period.to}.csv`;
  a.click();
  URL.revokeObjectURL(url);
}

function ruleText(r: CommissionRule) {
  return i18n.t('settlements.ruleText', {
    percent: (r.percentBp / 100).toLocaleString(),
    fixed: formatYuan(r.fixedMinor),
  });
}

/** Admin: a merchant's commission rule, and the statement of a period (paid out at once). */
function AdminSettlementForms({ merchantId, onIssued }: { merchantId: string; onIssued(): void }) {
  const { t } = useTranslation();
  const rule = useLoad(
    (signal) => api.get('/merchants/{id}/commission-rule', { path: { id: merchantId }, signal }),
    [merchantId],
  );
  const ruleForm = useForm({ percent: '', fixedYuan: '' });
  const issueForm = useForm({ from: '', to: '' });
  return (
    <div className="cards">
      <form
        className="card"
        aria-label={t('settlements.setRule')}
        noValidate
        onSubmit={ruleForm.submit(
          (v) =>
            api.put('/merchants/{id}/commission-rule', {
              path: { id: merchantId },
              body: {
                percentBp: Math.round(Number(v.percent) * 100),
                fixedMinor: Math.round(Number(v.fixedYuan || '0') * 100),
              },
            }),
          () => {
            ruleForm.reset();
            rule.reload();
          },
        )}
      >
        <h2>{t('settlements.rule')}</h2>
        <p>{rule.data ? ruleText(rule.data) : '—'}</p>
        <Field
          form={ruleForm}
          name="percent"
          label={t('settlements.percent')}
          apiFields={['percentBp']}
          inputMode="decimal"
          required
        />
        <Field
          form={ruleForm}
          name="fixedYuan"
          label={t('settlements.fixed')}
          apiFields={['fixedMinor']}
          inputMode="decimal"
        />
        <FormFooter
          form={ruleForm}
          label={t('settlements.setRule')}
          busyLabel={t('common.saving')}
        />
      </form>
      <form
        className="card"
        aria-label={t('settlements.issue')}
        noValidate
        onSubmit={issueForm.submit(
          (v, key) =>
            api.post('/settlements', { body: { merchantId, from: v.from, to: v.to }, key }),
          () => {
            issueForm.reset();
            onIssued();
          },
        )}
      >
        <h2>{t('settlements.issue')}</h2>
        <Field form={issueForm} name="from" type="date" label={t('settlements.from')} required />
        <Field form={issueForm} name="to" type="date" label={t('settlements.to')} required />
        <FormFooter
          form={issueForm}
          label={t('settlements.issue')}
          busyLabel={t('common.saving')}
          confirm={t('settlements.issueConfirm')}
        />
      </form>
    </div>
  );
}

/**
 * Settlement statements: a merchant sees its own (sales, returns, commission, what is paid out)
 * and downloads each as CSV; an admin picks a merchant, sets its rule and issues a period.
 */
export function SettlementsScreen() {
  const { t } = useTranslation();
  const me = useMe();
  const admin = me.role === 'admin';
  const [merchantId, setMerchantId] = useState('');
  const merchants = useLoad(
    (signal) =>
      admin
        ? api.get('/organisations', { query: { kind: 'merchant', limit: 200 }, signal })
        : Promise.resolve({ items: [], nextCursor: null }),
    [admin],
  );
  const own = useLoad(
    (signal) =>
      !admin && me.organisationId
        ? api.get('/merchants/{id}/commission-rule', { path: { id: me.organisationId }, signal })
        : Promise.resolve(null),
    [admin, me.organisationId],
  );
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/settlements', {
        query: { merchantId: admin && merchantId ? merchantId : undefined, cursor },
        signal,
      }),
    [merchantId],
  );
  const download = useAction(downloadCsv);
  const names = new Map((merchants.data?.items ?? []).map((m) => [m.id, m.name]));
  return (
    <section>
      <h1>{t('screens.settlements')}</h1>
      <p className="muted">{t('settlements.intro')}</p>
      {own.data && (
        <p>
          {t('settlements.yourRule')} {ruleText(own.data)}
        </p>
      )}
      {admin && (
        <p className="filters">
          <label>
            {t('settlements.merchant')}{' '}
            <select value={merchantId} onChange={(e) => setMerchantId(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {(merchants.data?.items ?? []).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        </p>
      )}
      {admin && merchantId && (
        <AdminSettlementForms merchantId={merchantId} onIssued={list.reload} />
      )}
      <ErrorNotice error={list.error ?? download.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          rows={list.items}
          rowKey={(s) => s.id}
          empty={t('settlements.none')}
          columns={[
            ...(admin
              ? [
                  {
                    header: t('settlements.merchant'),
                    cell: (s: Statement) => names.get(s.merchantId) ?? s.merchantId.slice(0, 8),
                  },
                ]
              : []),
            {
              header: t('settlements.period'),
              cell: (s) => t('settlements.periodText', { from: s.period.from, to: s.period.to }),
            },
            { header: t('settlements.orders'), cell: (s) => s.orders },
            { header: t('settlements.sales'), cell: (s) => formatYuan(s.salesMinor, s.currency) },
            {
              header: t('settlements.returns'),
              cell: (s) => formatYuan(s.returnsMinor, s.currency),
            },
            {
              header: t('settlements.commission'),
              cell: (s) => formatYuan(s.commissionMinor, s.currency),
            },
            {
              header: t('settlements.payable'),
              cell: (s) => <strong>{formatYuan(s.payableMinor, s.currency)}</strong>,
            },
            { header: t('common.state'), cell: (s) => t(`settlements.states.${s.state}`) },
            {
              header: '',
              cell: (s) => (
                <button type="button" disabled={download.busy} onClick={() => void download.run(s)}>
                  {t('settlements.csv')}
                </button>
              ),
            },
          ]}
        />
      )}
      <LoadMore list={list} />
    </section>
  );
}
