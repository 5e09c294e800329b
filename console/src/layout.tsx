import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { useAuth, useMe } from './auth.js';
import { currentLanguage, LANGUAGES, setLanguage } from './i18n/index.js';
import { roleLabel } from './i18n/labels.js';
import { screensFor } from './screens/registry.js';
import { ActivityBar } from './ui/feedback.js';
import { ScreenBoundary } from './ui/screen-boundary.js';

/** The current screen, behind its own error boundary (a new one per path). */
function Screen() {
  const { pathname } = useLocation();
  return (
    <ScreenBoundary key={pathname}>
      <Outlet />
    </ScreenBoundary>
  );
}

/** 中文 / English: each language named in itself, the choice kept in this browser. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const current = currentLanguage();
  return (
    <div className="language" role="group" aria-label={t('layout.language')}>
      {LANGUAGES.map((l) => (
        <button
          key={l}
          type="button"
          className="link"
          lang={l}
          aria-pressed={l === current}
          onClick={() => setLanguage(l)}
        >
          {t(`languages.${l}`)}
        </button>
      ))}
    </div>
  );
}

export function ConsoleLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const nav = screensFor(me.role).filter((s) => s.nav);
  return (
    <div className={`shell role-${me.role}`}>
      <header className="top">
        <a className="brand" href="/console/">
          {t('layout.brand')}
        </a>
        <nav aria-label={t('layout.mainNav')}>
          {nav.map((s) => (
            <NavLink key={s.path} to={`/console/${s.path}`}>
              {t(`screens.${s.title}`)}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span>
            {me.name} <small>({roleLabel(me.role)})</small>
          </span>
          <NavLink to="/console/account">{t('layout.account')}</NavLink>
          <button type="button" className="link" onClick={logout}>
            {t('layout.logout')}
          </button>
          <LanguageSwitch />
        </div>
      </header>
      <ActivityBar />
      <main>
        <Screen />
      </main>
    </div>
  );
}

export function PublicLayout() {
  const { t } = useTranslation();
  return (
    <div className="shell public">
      <header className="top">
        <a className="brand" href="/market">
          {t('layout.brandMarket')}
        </a>
        <nav aria-label={t('layout.mainNav')}>
          <NavLink to="/market">{t('layout.market')}</NavLink>
          <a href="/console/">{t('layout.staffConsole')}</a>
        </nav>
        <div className="who">
          <LanguageSwitch />
        </div>
      </header>
      <ActivityBar />
      <main>
        <Screen />
      </main>
    </div>
  );
}
