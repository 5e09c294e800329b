import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, session, setUnauthorizedHandler } from './api/client.js';
import type { Me } from './api/types.js';

interface AuthState {
  me: Me | null;
  /** True while the stored token is being checked on first load. */
  loading: boolean;
  /** Signs in by e-mail (with an @) or by the mobile number signed up with. */
  login(account: string, password: string): Promise<Me>;
  logout(): void;
  /** 'session-ended' when the session ended on its own (expired token). */
  notice: string | null;
}

const AuthContext = createContext<AuthState | null>(null);

/** What a person typed to name their account: an e-mail (with an @) or their mobile number. */
export function accountName(account: string): { email: string } | { phone: string } {
  const typed = account.trim();
  return typed.includes('@') ? { email: typed } : { phone: typed.replace(/[\s-]/g, '') };
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(Boolean(session.token));
  const [notice, setNotice] = useState<string | null>(null);

  const logout = useCallback(() => {
    // Ends the session on the server (refresh cookie revoked, access token refused) as well.
    void api.post('/auth/logout').catch(() => undefined);
    session.token = null;
    setMe(null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      session.token = null;
      setMe(null);
      setNotice('session-ended');
    });
    // Each tab has its own sign-in (sessionStorage); after a reload an expired access token is
    // renewed from the refresh cookie by the API client.
    if (!session.token) return;
    api
      .get('/me')
      .then(setMe)
      .catch(() => (session.token = null))
      .finally(() => setLoading(false));
  }, []);

  const login = useCallback(async (account: string, password: string) => {
    // The refresh token goes into an httpOnly cookie, out of the scripts' reach.
    const by = accountName(account);
    const { accessToken } = await api.post('/auth/login', {
      body: { ...by, password, refreshIn: 'cookie' },
    });
    session.token = accessToken;
    try {
      const user = await api.get('/me');
      setNotice(null);
      setMe(user);
      return user;
    } catch (err) {
      session.token = null;
      throw err;
    }
  }, []);

  const value = useMemo(
    () => ({ me, loading, login, logout, notice }),
    [me, loading, login, logout, notice],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only used inside screens that require one. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a session');
  return me;
}
