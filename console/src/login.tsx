import { Navigate, useNavigate } from 'react-router-dom';
import { useAuth } from './auth.js';
import { homeFor } from './screens/registry.js';
import { Notice } from './ui/feedback.js';
import { Field, FormFooter, useForm } from './ui/form.js';

export function LoginPage() {
  const { me, login, notice } = useAuth();
  const navigate = useNavigate();
  const form = useForm({ email: '', password: '' });
  if (me) return <Navigate to={homeFor(me.role)} replace />;
  return (
    <div className="login">
      <h1>Reloop console</h1>
      <p className="muted">Log in with your staff or customer account.</p>
      {notice && <Notice>{notice}</Notice>}
      <form
        onSubmit={form.submit(
          (v) => login(v.email.trim(), v.password),
          (user) => void navigate(homeFor(user.role), { replace: true }),
        )}
        noValidate
      >
        <Field
          form={form}
          name="email"
          label="E-mail"
          type="email"
          autoComplete="username"
          autoFocus
        />
        <Field
          form={form}
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
        />
        <FormFooter form={form} label="Log in" busyLabel="Logging in" />
      </form>
    </div>
  );
}
