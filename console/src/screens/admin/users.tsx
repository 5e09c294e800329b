import { useState } from 'react';
import { api, type Page } from '../../api/client.js';
import type { Me } from '../../api/types.js';
import { ErrorNotice, Loading, LoadMore, Notice } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad, usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import type { Organisation } from './organisations.js';

const ROLES = ['customer', 'courier', 'warehouse', 'technician', 'merchant', 'support', 'admin'];

export function UsersScreen() {
  const [role, setRole] = useState('');
  const users = usePagedLoad(
    (cursor, signal) => api.get<Page<Me>>('/users', { role, cursor }, signal),
    [role],
  );
  // The organisation picker: the newest 200 (a longer list would need a search box).
  const orgs = useLoad(
    (signal) => api.get<Page<Organisation>>('/organisations', { limit: 200 }, signal),
    [],
  );
  const orgName = new Map((orgs.data?.items ?? []).map((o) => [o.id, `${o.name} (${o.kind})`]));
  const [created, setCreated] = useState<Me | null>(null);
  const form = useForm({
    email: '',
    name: '',
    password: '',
    role: 'warehouse',
    organisationId: '',
    phone: '',
  });
  return (
    <section>
      <h1>Users</h1>
      <div className="columns">
        <div>
          <label className="inline">
            Role{' '}
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="">all</option>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <ErrorNotice error={users.error} onRetry={users.reload} />
          {users.loading && !users.data ? (
            <Loading />
          ) : (
            <Table
              caption="Users"
              rows={users.data?.items ?? []}
              rowKey={(u) => u.id}
              columns={[
                { header: 'Name', cell: (u) => u.name },
                { header: 'E-mail', cell: (u) => u.email },
                { header: 'Role', cell: (u) => u.role },
                {
                  header: 'Organisation',
                  cell: (u) => (u.organisationId ? (orgName.get(u.organisationId) ?? '…') : '—'),
                },
              ]}
            />
          )}
          <LoadMore list={users} />
        </div>
        <form
          className="card"
          aria-label="New user"
          noValidate
          onSubmit={form.submit(
            (v) =>
              api.create<Me>('/users', {
                email: v.email.trim(),
                name: v.name,
                password: v.password,
                role: v.role,
                organisationId: v.organisationId || undefined,
                phone: v.phone || undefined,
              }),
            (user) => {
              setCreated(user);
              form.reset();
              users.reload();
            },
          )}
        >
          <h2>New user</h2>
          {created && <Notice kind="ok">Created {created.email}.</Notice>}
          <Field form={form} name="name" label="Full name" required />
          <Field form={form} name="email" label="E-mail" type="email" required />
          <Field
            form={form}
            name="password"
            label="Initial password"
            type="password"
            hint="At least 10 characters"
            autoComplete="new-password"
          />
          <Field
            form={form}
            name="role"
            label="Role"
            options={ROLES.map((r) => ({ value: r, label: r }))}
          />
          <Field
            form={form}
            name="organisationId"
            label="Organisation"
            hint="Staff of a warehouse, store, partner or merchant belong to one"
            options={[
              { value: '', label: '— none —' },
              ...(orgs.data?.items ?? []).map((o) => ({
                value: o.id,
                label: `${o.name} (${o.kind})`,
              })),
            ]}
          />
          <Field form={form} name="phone" label="Phone" type="tel" inputMode="tel" />
          <FormFooter form={form} label="Create user" busyLabel="Creating" />
        </form>
      </div>
    </section>
  );
}
