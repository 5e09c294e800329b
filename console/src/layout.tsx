import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { useAuth, useMe } from './auth.js';
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

export function ConsoleLayout() {
  const me = useMe();
  const { logout } = useAuth();
  const nav = screensFor(me.role).filter((s) => s.nav);
  return (
    <div className={`shell role-${me.role}`}>
      <header className="top">
        <a className="brand" href="/console/">
          Reloop
        </a>
        <nav aria-label="Main">
          {nav.map((s) => (
            <NavLink key={s.path} to={`/console/${s.path}`}>
              {s.title}
            </NavLink>
          ))}
        </nav>
        <div className="who">
          <span>
            {me.name} <small>({me.role})</small>
          </span>
          <NavLink to="/console/account">Account</NavLink>
          <button type="button" className="link" onClick={logout}>
            Log out
          </button>
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
  return (
    <div className="shell public">
      <header className="top">
        <a className="brand" href="/market">
          Reloop market
        </a>
        <nav aria-label="Main">
          <NavLink to="/market">Market</NavLink>
          <a href="/console/">Staff console</a>
        </nav>
      </header>
      <ActivityBar />
      <main>
        <Screen />
      </main>
    </div>
  );
}
