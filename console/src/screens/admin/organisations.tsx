import { useState } from 'react';
import { api, type Page } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { ErrorNotice, Loading, LoadMore, Notice } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

export const ORGANISATION_KINDS = ['warehouse', 'store', 'partner', 'merchant'] as const;

export interface Organisation {
  id: string;
  kind: string;
  name: string;
  cityCode: string | null;
  address: string | null;
  createdAt: string;
}

export function OrganisationsScreen() {
  const [kind, setKind] = useState('');
  const list = usePagedLoad(
    (cursor, signal) => api.get<Page<Organisation>>('/organisations', { kind, cursor }, signal),
    [kind],
  );
  const [created, setCreated] = useState<Organisation | null>(null);
  const form = useForm({ kind: 'warehouse', name: '', cityCode: '', address: '' });
  return (
    <section>
      <h1>Organisations</h1>
      <div className="columns">
        <div>
          <label className="inline">
            Kind{' '}
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="">all</option>
              {ORGANISATION_KINDS.map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </label>
          <ErrorNotice error={list.error} onRetry={list.reload} />
          {list.loading && !list.data ? (
            <Loading />
          ) : (
            <Table
              caption="Organisations"
              rows={list.data?.items ?? []}
              rowKey={(o) => o.id}
              columns={[
                { header: 'Name', cell: (o) => o.name },
                { header: 'Kind', cell: (o) => o.kind },
                { header: 'City', cell: (o) => o.cityCode ?? '—' },
                { header: 'Created', cell: (o) => formatTime(o.createdAt) },
              ]}
            />
          )}
          <LoadMore list={list} />
        </div>
        <form
          className="card"
          aria-label="New organisation"
          noValidate
          onSubmit={form.submit(
            (v) =>
              api.create<Organisation>('/organisations', {
                kind: v.kind,
                name: v.name,
                cityCode: v.cityCode || undefined,
                address: v.address || undefined,
              }),
            (org) => {
              setCreated(org);
              form.reset();
              list.reload();
            },
          )}
        >
          <h2>New organisation</h2>
          {created && <Notice kind="ok">Created {created.name}.</Notice>}
          <Field
            form={form}
            name="kind"
            label="Kind"
            options={ORGANISATION_KINDS.map((k) => ({ value: k, label: k }))}
          />
          <Field form={form} name="name" label="Name" required />
          <Field form={form} name="cityCode" label="City code" hint="e.g. 310100 for Shanghai" />
          <Field form={form} name="address" label="Address" />
          <FormFooter form={form} label="Create organisation" busyLabel="Creating" />
        </form>
      </div>
    </section>
  );
}
