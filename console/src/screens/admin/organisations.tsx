import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Answer } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { i18n } from '../../i18n/index.js';
import { ErrorNotice, Loading, LoadMore, Notice } from '../../ui/feedback.js';
import { chosen, Field, FormFooter, oneOf, useForm } from '../../ui/form.js';
import { usePagedLoad } from '../../ui/hooks.js';
import { localName, PlaceName, useCities } from '../../ui/places.js';
import { Table } from '../../ui/table.js';

export const ORGANISATION_KINDS = ['warehouse', 'store', 'partner', 'merchant'] as const;

export type Organisation = Answer<'get', '/organisations/{id}'>;

export const kindLabel = (kind: string) => {
  const k = ORGANISATION_KINDS.find((x) => x === kind);
  return k ? i18n.t(`orgs.kinds.${k}`) : kind;
};

export function OrganisationsScreen() {
  const { t, i18n } = useTranslation();
  const cities = useCities() ?? [];
  const [kind, setKind] = useState('');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/organisations', {
        query: { kind: oneOf(ORGANISATION_KINDS, kind), cursor },
        signal,
      }),
    [kind],
  );
  const [created, setCreated] = useState<Organisation | null>(null);
  const form = useForm({ kind: 'warehouse', name: '', cityCode: '', address: '' });
  return (
    <section>
      <h1>{t('screens.organisations')}</h1>
      <div className="columns">
        <div>
          <label className="inline">
            {t('orgs.kind')}{' '}
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {ORGANISATION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`orgs.kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <ErrorNotice error={list.error} onRetry={list.reload} />
          {list.loading && !list.data ? (
            <Loading />
          ) : (
            <Table
              caption={t('screens.organisations')}
              rows={list.data?.items ?? []}
              rowKey={(o) => o.id}
              columns={[
                { header: t('orgs.name'), cell: (o) => o.name },
                { header: t('orgs.kind'), cell: (o) => kindLabel(o.kind) },
                {
                  header: t('places.city'),
                  cell: (o) => (o.cityCode ? <PlaceName cityCode={o.cityCode} /> : '—'),
                },
                { header: t('orgs.created'), cell: (o) => formatTime(o.createdAt) },
              ]}
            />
          )}
          <LoadMore list={list} />
        </div>
        <form
          className="card"
          aria-label={t('orgs.new')}
          noValidate
          onSubmit={form.submit(
            (v, key) =>
              api.post('/organisations', {
                body: {
                  kind: chosen('kind', ORGANISATION_KINDS, v.kind),
                  name: v.name,
                  cityCode: v.cityCode || undefined,
                  address: v.address || undefined,
                },
                key,
              }),
            (org) => {
              setCreated(org);
              form.reset();
              list.reload();
            },
          )}
        >
          <h2>{t('orgs.new')}</h2>
          {created && <Notice kind="ok">{t('orgs.created1', { name: created.name })}</Notice>}
          <Field
            form={form}
            name="kind"
            label={t('orgs.kind')}
            options={ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`orgs.kinds.${k}`) }))}
          />
          <Field form={form} name="name" label={t('orgs.name')} required />
          <Field
            form={form}
            name="cityCode"
            label={t('places.city')}
            options={[
              { value: '', label: t('common.none') },
              ...cities.map((c) => ({ value: c.cityCode, label: localName(c, i18n.language) })),
            ]}
          />
          <Field form={form} name="address" label={t('orgs.address')} />
          <FormFooter form={form} label={t('orgs.create')} busyLabel={t('orgs.creating')} />
        </form>
      </div>
    </section>
  );
}
