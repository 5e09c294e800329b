import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useAuth } from './auth.js';
import { homeFor } from './screens/registry.js';
import { LanguageSwitch } from './layout.js';
import { Notice } from './ui/feedback.js';
import { Field, FormFooter, useForm } from './ui/form.js';

export function LoginPage() {
  const { t } = useTranslation();
  const { me, login, notice } = useAuth();
  const navigate = useNavigate();
  // Where to go back to (a market page asking to log in to buy); only paths on this site.
  const [params] = useSearchParams();
  const next = params.get('next');
  const reset = params.get('reset') === 'done';
  const target = (role: Parameters<typeof homeFor>[0]) =>
    next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(role);
  const form = useForm({ email: '', password: '' });
  if (me) return <Navigate to={target(me.role)} replace />;
  return (
    <div className="login">
      <LanguageSwitch />
      <h1>{t('login.title')}</h1>
      <p className="muted">{t('login.intro')}</p>
      {reset && <Notice kind="ok">{t('login.passwordReset')}</Notice>}
      {notice && !reset && <Notice>{t('login.sessionEnded')}</Notice>}
      <form
        onSubmit={form.submit(
          (v) => login(v.email.trim(), v.password),
          (user) => void navigate(target(user.role), { replace: true }),
        )}
        noValidate
      >
        <Field
          form={form}
          name="email"
          label={t('login.account')}
          apiFields={['email', 'phone']}
          autoComplete="username"
          autoFocus
        />
        <Field
          form={form}
          name="password"
          label={t('login.password')}
          type="password"
          autoComplete="current-password"
        />
        <FormFooter form={form} label={t('login.submit')} busyLabel={t('login.busy')} />
      </form>
      <p>
        <Link to="/console/reset-password">{t('login.forgot')}</Link>
      </p>
      <p>
        <Link to="/console/register">{t('login.signUp')}</Link>
      </p>
    </div>
  );
}
