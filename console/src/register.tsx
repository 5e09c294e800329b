import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { api } from './api/client.js';
import { useAuth } from './auth.js';
import { LanguageSwitch } from './layout.js';
import { homeFor } from './screens/registry.js';
import { Field, FormFooter, useForm } from './ui/form.js';

/** Where a new seller lands: selling a first item. */
export const SELL_PATH = '/console/my/sell';

/**
 * A seller signs up with a mobile number and a password (a name; the e-mail is optional) and is
 * signed in at once. No SMS code yet: see docs/decisions.md.
 */
export function RegisterPage() {
  const { t } = useTranslation();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const form = useForm({ phone: '', name: '', password: '', email: '' });
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
