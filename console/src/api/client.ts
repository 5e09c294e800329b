/** The API's error body (spec §5): every failed call is turned into an ApiError with it. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  /** Stable reason (`not_found`, `state_conflict`, …) to translate; absent when offline. */
  code?: string;
  message: string;
  fields?: Array<{ field: string; errors: string[] }>;
  /** 409 on a stateful resource: where it is now and what may be done instead. */
  state?: string;
  version?: number;
  allowedActions?: string[];
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly body: ErrorBody) {
    super(body.message);
  }
  get status(): number {
    return this.body.statusCode;
  }
  /** Field name → messages, for showing errors next to the inputs. */
  fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const f of this.body.fields ?? []) out[f.field] = [...(out[f.field] ?? []), ...f.errors];
    return out;
  }
}

const TOKEN_KEY = 'reloop.token';

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** The user a token was issued to (its `sub`), read without checking: only to compare. */
function subjectOf(token: string | null): string | null {
  try {
    const payload = token?.split('.')[1]?.replace(/-/g, '+').replace(/_/g, '/');
    return payload ? ((JSON.parse(atob(payload)) as { sub?: string }).sub ?? null) : null;
  } catch {
    return null;
  }
}

let refreshing: Promise<boolean> | null = null;

/**
 * Renews the 15-minute access token with the httpOnly refresh cookie. One renewal at a time,
 * across tabs too (Web Locks): the refresh token rotates on each use, and the server ends the
 * whole session when a rotated token is presented again. A tab's sign-in is its own
 * (sessionStorage); the refresh cookie is the browser's latest login.
 */
export function refreshSession(): Promise<boolean> {
  const signedIn = subjectOf(session.token);
  refreshing ??= (async () => {
    const run = async () => {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      if (!res.ok) return false;
      const { accessToken } = (await res.json()) as { accessToken: string };
      // One refresh cookie per browser: if someone else has signed in on it since (another
      // tab), this tab's session is over rather than silently becoming theirs.
      if (signedIn && subjectOf(accessToken) !== signedIn) return false;
      session.token = accessToken;
      return true;
    };
    try {
      return navigator.locks ? await navigator.locks.request('reloop-refresh', run) : await run();
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * fetch() with the bearer token for non-JSON or non-/api/v1 resources (PDFs, the queue board's
 * API); renews the access token once on a 401, like `request` does.
 */
export async function fetchWithSession(url: string, init: RequestInit = {}): Promise<Response> {
  const go = () =>
    fetch(url, {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        authorization: `Bearer ${session.token ?? ''}`,
      },
    });
  const res = await go();
  return res.status === 401 && session.token && (await refreshSession()) ? go() : res;
}

/** Something is in flight: the header's progress bar listens to this. */
type Listener = (inFlight: number) => void;
let inFlight = 0;
const listeners = new Set<Listener>();
export function onActivity(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function track(delta: number) {
  inFlight += delta;
  for (const l of listeners) l(inFlight);
}

/** Signed-out handler, set by the auth provider (a 401 ends the session). */
let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Creating POSTs carry an Idempotency-Key so a retried click creates nothing twice. */
  idempotent?: boolean;
  /**
   * The Idempotency-Key of the user's action: the same for every retry of that action (see
   * useForm and ActionBar), so a retry after a lost answer replays instead of repeating.
   */
  signal?: AbortSignal;
  /** Set on the one retry after a silent refresh. */
  retried?: boolean;
  key?: string;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}) {
  const url = new URL(`/api/v1${path}`, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (opts.idempotent) opts = { ...opts, key: opts.key ?? crypto.randomUUID() };
  if (opts.key) headers['idempotency-key'] = opts.key;
  track(1);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({
      statusCode: 0,
      error: 'Network error',
      code: 'network',
      message: 'The server cannot be reached. Check the connection and try again.',
    });
  } finally {
    track(-1);
  }
  const text = await res.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const body =
      data && typeof data === 'object' && 'message' in data
        ? (data as ErrorBody)
        : { statusCode: res.status, error: res.statusText, message: text || res.statusText };
    if (res.status === 401 && session.token && !path.startsWith('/auth/')) {
      // The access token expired (15 minutes): renew it silently and try once more. A request
      // refused with 401 was not carried out, so repeating it is safe.
      if (!opts.retried && (await refreshSession())) {
        return request<T>(method, path, { ...opts, retried: true });
      }
      onUnauthorized();
    }
    throw new ApiError({ ...body, statusCode: body.statusCode ?? res.status });
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  /** A creating POST; pass the action's key (useForm gives one) so a retried click reuses it. */
  create: <T>(path: string, body: unknown, key?: string) =>
    request<T>('POST', path, { body, idempotent: true, key }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}
