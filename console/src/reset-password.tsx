import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from './api/client.js';
import { accountName } from './auth.js';
import { LanguageSwitch } from './layout.js';
import { Notice } from './ui/feedback.js';
import { Field, FormFooter, useForm } from './ui/form.js';
import { checkRepeated, NewPasswordFields } from './ui/new-password.js';

/** Where the login page says the password was changed. */
export const RESET_DONE = '/console/login?reset=done';

/**
 * Forgotten password: the account (mobile number or e-mail) gets an eight-digit code by text or
 * e-mail; with it a new password is set and every session of the account ends. The server
 * answers the same whether or not the account exists, and so does this page.
 */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const ask = useForm({ account: '' });
  const confirm = useForm({ code: '', newPassword: '', repeat: '' });
  const [sentTo, setSentTo] = useState<string | null>(null);
  return (
    <div className="login">
      <LanguageSwitch />
      <h1>{t('reset.title')}</h1>
      {sentTo === null ? (
        <form
          aria-label={t('reset.title')}
          noValidate
          onSubmit={ask.submit(async (v) => {
            await api.post('/auth/password-reset/request', { body: accountName(v.account) });
            return v.account.trim();
          }, setSentTo)}
        >
          <p className="muted">{t('reset.intro')}</p>
          <Field
            form={ask}
            name="account"
            label={t('reset.account')}
            apiFields={['email', 'phone']}
            hint={t('reset.accountHint')}
            autoComplete="username"
            required
            autoFocus
          />
          <FormFooter form={ask} label={t('reset.send')} busyLabel={t('reset.sending')} />
        </form>
      ) : (
        <form
          aria-label={t('reset.title')}
          noValidate
          onSubmit={confirm.submit(
            async (v) => {
              checkRepeated(v);
              await api.post('/auth/password-reset/confirm', {
                body: { ...accountName(sentTo), code: v.code.trim(), newPassword: v.newPassword },
              });
            },
            () => void navigate(RESET_DONE, { replace: true }),
          )}
        >
          <Notice>{t('reset.sent', { account: sentTo })}</Notice>
          <Field
            form={confirm}
            name="code"
            label={t('reset.code')}
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            autoFocus
          />
          <NewPasswordFields form={confirm} />
          <FormFooter form={confirm} label={t('reset.submit')} busyLabel={t('reset.busy')} />
          <p>
            <button type="button" className="link" onClick={() => setSentTo(null)}>
              {t('reset.again')}
            </button>
          </p>
        </form>
      )}
      <p>
        <Link to="/console/login">{t('reset.back')}</Link>
      </p>
    </div>
  );
}
