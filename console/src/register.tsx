import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { api } from './api/client.js';
import { useAuth } from './auth.js';
import { currentLanguage } from './i18n/index.js';
import { LanguageSwitch } from './layout.js';
import { homeFor } from './screens/registry.js';
import { ErrorNotice } from './ui/feedback.js';
import { Field, FormFooter, localInvalid, useForm } from './ui/form.js';
import { asApiError, useAction, useLoad } from './ui/hooks.js';

/** Where a new seller lands: selling a first item. */
export const SELL_PATH = '/console/my/sell';

/** Seconds before another code may be asked for (the server also limits it). */
const RESEND_AFTER = 60;

/**
 * A seller signs up with a mobile number and a password (a name; the e-mail is optional) and is
 * signed in at once. Where texts reach phones, the number is proved with a six-digit code first.
 */
export function RegisterPage() {
  const { t } = useTranslation();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const form = useForm({ phone: '', code: '', name: '', password: '', email: '' });
  const options = useLoad((signal) => api.get('/auth/sign-up', { signal }), []);
  const needsCode = options.data?.phoneCode === 'required';
  const [wait, setWait] = useState(0);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);
  const sendCode = useAction(async () => {
    const phone = form.values.phone.replace(/[\s-]/g, '');
    if (!phone) {
      form.setError(localInvalid([{ field: 'phone', errors: [t('errors.field.required')] }]));
      return;
    }
    try {
      await api.post('/auth/sign-up-codes', {
        body: { phone, language: currentLanguage() === 'en' ? 'en' : 'zh-CN' },
      });
      setWait(RESEND_AFTER);
    } catch (err) {
      // A wrong number is said beside the phone field, like any other field error.
      form.setError(asApiError(err));
    }
  });
  // Signed in (also right after signing up): a customer goes on to sell.
  if (me) return <Navigate to={me.role === 'customer' ? SELL_PATH : homeFor(me.role)} replace />;
  return (
    <div className="login">
      <LanguageSwitch />
      <h1>{t('signup.title')}</h1>
      <p className="muted">{t('signup.intro')}</p>
      <form
        aria-label={t('signup.title')}
        noValidate
        onSubmit={form.submit(
          async (v, key) => {
            const phone = v.phone.replace(/[\s-]/g, '');
            await api.post('/auth/register', {
              body: {
                phone,
                name: v.name.trim(),
                password: v.password,
                ...(v.email.trim() ? { email: v.email.trim() } : {}),
                ...(needsCode ? { phoneCode: v.code.trim() } : {}),
              },
              key,
            });
            // A session of its own (refresh cookie) rather than the sign-up's bare token.
            return login(phone, v.password);
          },
          () => void navigate(SELL_PATH, { replace: true }),
        )}
      >
        <Field
          form={form}
          name="phone"
          label={t('signup.phone')}
          type="tel"
          inputMode="tel"
          required
          autoFocus
          placeholder="138 0013 8000"
          hint={t('signup.phoneHint')}
          autoComplete="tel"
        />
        {needsCode && (
          <div className="code-row">
            <Field
              form={form}
              name="code"
              apiFields={['phoneCode']}
              label={t('signup.code')}
              inputMode="numeric"
              required
              hint={wait > 0 ? t('signup.codeSent', { seconds: wait }) : t('signup.codeHint')}
              autoComplete="one-time-code"
            />
            <button
              type="button"
              disabled={sendCode.busy || wait > 0}
              onClick={() => void sendCode.run()}
            >
              {wait > 0 ? t('signup.resendIn', { seconds: wait }) : t('signup.sendCode')}
            </button>
          </div>
        )}
        <ErrorNotice error={options.error} onRetry={options.reload} />
        <Field form={form} name="name" label={t('signup.name')} required autoComplete="name" />
        <Field
          form={form}
          name="password"
          label={t('signup.password')}
          type="password"
          required
          hint={t('signup.passwordHint')}
          autoComplete="new-password"
        />
        <Field
          form={form}
          name="email"
          label={t('signup.email')}
          type="email"
          inputMode="email"
          hint={t('signup.emailHint')}
          autoComplete="email"
        />
        <FormFooter form={form} label={t('signup.submit')} busyLabel={t('signup.busy')} />
      </form>
      <p>
        <Link to="/console/login">{t('signup.haveAccount')}</Link>
      </p>
    </div>
  );
}
