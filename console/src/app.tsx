import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth.js';
import { ConsoleLayout, PublicLayout } from './layout.js';
import { LoginPage } from './login.js';
import { RegisterPage } from './register.js';
import { ResetPasswordPage } from './reset-password.js';
import { ListingPage } from './public/listing.js';
import { MarketPage } from './public/market.js';
import { PassportPage } from './public/passport.js';
import './screens/index.js';
import { homeFor, screensFor } from './screens/registry.js';
import { Loading } from './ui/feedback.js';

function Console() {
  const { t } = useTranslation();
  const { me, loading } = useAuth();
  if (loading) return <Loading what={t('app.opening')} />;
  if (!me) return <Navigate to="/console/login" replace />;
  return (
    <Routes>
      <Route element={<ConsoleLayout />}>
        {screensFor(me.role).map((s) => (
          <Route key={s.path} path={s.path} element={<s.Component />} />
        ))}
        <Route path="nothing" element={<NothingYet />} />
        <Route path="*" element={<Navigate to={homeFor(me.role)} replace />} />
      </Route>
    </Routes>
  );
}

function NothingYet() {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t('app.nothingTitle')}</h1>
      <p>{t('app.nothingBody')}</p>
    </section>
  );
}

export function App() {
  // Re-renders the whole console when the language changes.
  useTranslation();
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/console/login" element={<LoginPage />} />
          <Route path="/console/register" element={<RegisterPage />} />
          <Route path="/console/reset-password" element={<ResetPasswordPage />} />
          <Route path="/console/*" element={<Console />} />
          <Route element={<PublicLayout />}>
            <Route path="/t/:traceCode" element={<PassportPage />} />
            <Route path="/market" element={<MarketPage />} />
            <Route path="/market/listings/:id" element={<ListingPage />} />
            <Route path="/market/*" element={<Navigate to="/market" replace />} />
          </Route>
          <Route path="*" element={<Navigate to="/console/" replace />} />
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
