import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, session } from '../api/client.js';
import type { Catalogue } from '../i18n/index.js';
import { setTimeZone, useTimeZone } from '../i18n/index.js';
import { LanguageSwitch } from '../layout.js';
import { Notice } from '../ui/feedback.js';
import { Field, FormFooter, useForm } from '../ui/form.js';
import { checkRepeated, NewPasswordFields } from '../ui/new-password.js';

/** Zones offered in the picker (China uses one; the others are for staff abroad or tests). */
const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Urumqi', 'UTC'] as const satisfies Array<
  keyof Catalogue['account']['zones']
>;

/** Password change (the other sessions of this account end; this one goes on), language, zone. */
export function AccountScreen() {
  const { t } = useTranslation();
  const form = useForm({ currentPassword: '', newPassword: '', repeat: '' });
  const [done, setDone] = useState(false);
  const zone = useTimeZone();
  return (
    <section>
      <h1>{t('account.title')}</h1>
      <h2>{t('account.preferences')}</h2>
      <LanguageSwitch />
      <div className="field">
        <label htmlFor="account-zone">{t('account.timeZone')}</label>
        <select id="account-zone" value={zone} onChange={(e) => setTimeZone(e.target.value)}>
          {(ZONES as readonly string[]).includes(zone) ? null : (
            <option value={zone}>{zone}</option>
          )}
          {ZONES.map((z) => (
            <option key={z} value={z}>
              {t(`account.zones.${z}`)}
            </option>
          ))}
        </select>
        <small className="hint">{t('account.timeZoneHint')}</small>
      </div>
      <h2>{t('account.passwordTitle')}</h2>
      {done && <Notice kind="ok">{t('account.changed')}</Notice>}
      <form
        noValidate
        onSubmit={form.submit(
          async (v) => {
            checkRepeated(v);
            const res = await api.post('/me/password', {
              body: { currentPassword: v.currentPassword, newPassword: v.newPassword },
            });
            session.token = res.accessToken;
          },
          () => {
            form.reset();
            setDone(true);
          },
        )}
      >
        <Field
          form={form}
          name="currentPassword"
          label={t('account.current')}
          type="password"
          autoComplete="current-password"
          required
        />
        <NewPasswordFields form={form} />
        <FormFooter form={form} label={t('account.submit')} busyLabel={t('account.busy')} />
      </form>
    </section>
  );
}
