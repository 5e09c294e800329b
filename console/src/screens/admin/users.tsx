import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.js';
import type { Me, Role } from '../../api/types.js';
import { ErrorNotice, Loading, LoadMore, Notice } from '../../ui/feedback.js';
import { chosen, Field, FormFooter, oneOf, useForm } from '../../ui/form.js';
import { useLoad, usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';
import { roleLabel } from '../../i18n/labels.js';
import { kindLabel } from './organisations.js';

const ROLES: readonly Role[] = [
  'customer',
  'courier',
  'warehouse',
  'technician',
  'merchant',
  'support',
  'admin',
];

export function UsersScreen() {
  const { t } = useTranslation();
  const [role, setRole] = useState('');
  const users = usePagedLoad(
    (cursor, signal) => api.get('/users', { query: { role: oneOf(ROLES, role), cursor }, signal }),
    [role],
  );
  // The organisation picker: the newest 200 (a longer list would need a search box).
  const orgs = useLoad(
    (signal) => api.get('/organisations', { query: { limit: 200 }, signal }),
    [],
  );
  const orgName = new Map(
    (orgs.data?.items ?? []).map((o) => [o.id, `${o.name} (${kindLabel(o.kind)})`]),
  );
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
      <h1>{t('screens.users')}</h1>
      <div className="columns">
        <div>
          <label className="inline">
            {t('users.role')}{' '}
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="">{t('common.all')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          </label>
          <ErrorNotice error={users.error} onRetry={users.reload} />
          {users.loading && !users.data ? (
            <Loading />
          ) : (
            <Table
              caption={t('screens.users')}
              rows={users.data?.items ?? []}
              rowKey={(u) => u.id}
              columns={[
                { header: t('users.name'), cell: (u) => u.name },
                { header: t('login.email'), cell: (u) => u.email },
                { header: t('users.role'), cell: (u) => roleLabel(u.role) },
                {
                  header: t('users.organisation'),
                  cell: (u) => (u.organisationId ? (orgName.get(u.organisationId) ?? '…') : '—'),
                },
              ]}
            />
          )}
          <LoadMore list={users} />
        </div>
        <form
          className="card"
          aria-label={t('users.new')}
          noValidate
          onSubmit={form.submit(
            (v, key) =>
              api.post('/users', {
                body: {
                  email: v.email.trim(),
                  name: v.name,
                  password: v.password,
                  role: chosen('role', ROLES, v.role),
                  organisationId: v.organisationId || undefined,
                  phone: v.phone || undefined,
                },
                key,
              }),
            (user) => {
              setCreated(user);
              form.reset();
              users.reload();
            },
          )}
        >
          <h2>{t('users.new')}</h2>
          {created && <Notice kind="ok">{t('orgs.created1', { name: created.email })}</Notice>}
          <Field form={form} name="name" label={t('users.fullName')} required />
          <Field form={form} name="email" label={t('login.email')} type="email" required />
          <Field
            form={form}
            name="password"
            label={t('users.password')}
            type="password"
            hint={t('account.newHint')}
            autoComplete="new-password"
            required
          />
          <Field
            form={form}
            name="role"
            label={t('users.role')}
            options={ROLES.map((r) => ({ value: r, label: roleLabel(r) }))}
          />
          <Field
            form={form}
            name="organisationId"
            label={t('users.organisation')}
            hint={t('users.organisationHint')}
            options={[
              { value: '', label: t('common.none') },
              ...(orgs.data?.items ?? []).map((o) => ({
                value: o.id,
                label: `${o.name} (${kindLabel(o.kind)})`,
              })),
            ]}
          />
          <Field
            form={form}
            name="phone"
            label={t('checkout.phone')}
            type="tel"
            inputMode="tel"
            hint={t('checkout.phoneHint')}
          />
          <FormFooter form={form} label={t('users.create')} busyLabel={t('orgs.creating')} />
        </form>
      </div>
    </section>
  );
}
