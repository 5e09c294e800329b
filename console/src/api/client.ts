import type { components, paths } from './schema.generated.js';

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
  signal?: AbortSignal;
  /** Set on the one retry after a silent refresh. */
  retried?: boolean;
  /**
   * The Idempotency-Key of the user's action: the same for every retry of that action (see
   * useForm and ActionBar), so a retry after a lost answer replays instead of repeating.
   */
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

/*
 * The typed API (issue 21, point 4): every call names a path template of the OpenAPI document
 * (without the /api/v1 prefix) and gets its path parameters, query, body and answer types from
 * console/src/api/schema.generated.ts (`npm run console:client`). A response DTO change that
 * breaks a screen fails `npm run typecheck`.
 */
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Full = keyof paths;
/** Every path template of the API, as the console writes it (`/listings/{id}`). */
export type ApiPath = Unprefixed<Full>;
type Unprefixed<F> = F extends `/api/v1${infer P}` ? P : never;
type OpOf<M extends Method, P extends ApiPath> = NonNullable<paths[`/api/v1${P}` & Full][M]>;
/** The paths that have an operation for the method. */
export type PathsWith<M extends Method> = {
  [P in ApiPath]: [OpOf<M, P>] extends [never] ? never : P;
}[ApiPath];

type Params<O, K extends 'path' | 'query'> = O extends { parameters: infer X }
  ? X extends { [k in K]?: infer V }
    ? NonNullable<V>
    : never
  : never;
type SuccessCode = 200 | 201 | 202 | 204;
type JsonOf<R> = R extends { content: { 'application/json': infer J } }
  ? J
  : R extends { content: Record<string, infer F> }
    ? F
    : undefined;

/** What a call answers (its 2xx JSON body; `undefined` for 204). */
export type Answer<M extends Method, P extends PathsWith<M>> =
  OpOf<M, P> extends { responses: infer R } ? JsonOf<R[SuccessCode & keyof R]> : never;
/** One row of a paginated list (`{ items, nextCursor }`). */
export type Row<P extends PathsWith<'get'>> =
  Answer<'get', P> extends { items: Array<infer T> } ? T : never;
/** The query parameters of a call. */
export type Query<M extends Method, P extends PathsWith<M>> = Params<OpOf<M, P>, 'query'>;
/** The path parameters of a call. */
export type PathParams<M extends Method, P extends PathsWith<M>> = Params<OpOf<M, P>, 'path'>;
/** The JSON body a call takes. */
export type RequestBody<M extends Method, P extends PathsWith<M>> =
  OpOf<M, P> extends { requestBody?: infer B }
    ? NonNullable<B> extends { content: { 'application/json': infer J } }
      ? J
      : never
    : never;
/** A named schema of the document (`Schema<'InventoryView'>`). */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

type PathOption<M extends Method, P extends PathsWith<M>> = [PathParams<M, P>] extends [never]
  ? { path?: undefined }
  : { path: PathParams<M, P> };
type QueryOption<M extends Method, P extends PathsWith<M>> = [Query<M, P>] extends [never]
  ? { query?: undefined }
  : { query?: Query<M, P> };
/** Nothing required in it: `{}` is assignable. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Empty = {};
type BodyOption<M extends Method, P extends PathsWith<M>> = [RequestBody<M, P>] extends [never]
  ? { body?: undefined }
  : Empty extends RequestBody<M, P>
    ? { body?: RequestBody<M, P> }
    : { body: RequestBody<M, P> };

export type GetOptions<P extends PathsWith<'get'>> = PathOption<'get', P> &
  QueryOption<'get', P> & { signal?: AbortSignal };
export type SendOptions<M extends Exclude<Method, 'get'>, P extends PathsWith<M>> = PathOption<
  M,
  P
> &
  QueryOption<M, P> &
  BodyOption<M, P> & {
    /**
     * The Idempotency-Key of the user's action: the same for every retry of that action (see
     * useForm, useActionKeys and ActionBar), so a retry after a lost answer replays instead of
     * repeating. Creating POSTs pass one.
     */
    key?: string;
    signal?: AbortSignal;
  };
/** The options argument, optional when nothing in it is required. */
type Args<O> = Empty extends O ? [options?: O] : [options: O];

/** `/listings/{id}` with `{ id }` → `/listings/3f…` (each value URL-encoded). */
export function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name] as string | number | boolean | null | undefined;
    if (value === undefined || value === null) throw new Error(`${template}: no value for ${name}`);
    return encodeURIComponent(String(value));
  });
}

interface AnyOptions {
  path?: Record<string, unknown>;
  query?: object;
  body?: unknown;
  key?: string;
  signal?: AbortSignal;
}
function call(method: string, template: string, o: AnyOptions = {}): Promise<never> {
  return request<never>(method, fillPath(template, o.path), {
    query: o.query as RequestOptions['query'],
    body: o.body ?? (method === 'POST' ? {} : undefined),
    key: o.key,
    signal: o.signal,
  });
}

export const api = {
  get: <P extends PathsWith<'get'>>(
    path: P,
    ...[options]: Args<GetOptions<P>>
  ): Promise<Answer<'get', P>> => call('GET', path, options),
  post: <P extends PathsWith<'post'>>(
    path: P,
    ...[options]: Args<SendOptions<'post', P>>
  ): Promise<Answer<'post', P>> => call('POST', path, options),
  put: <P extends PathsWith<'put'>>(
    path: P,
    ...[options]: Args<SendOptions<'put', P>>
  ): Promise<Answer<'put', P>> => call('PUT', path, options),
  patch: <P extends PathsWith<'patch'>>(
    path: P,
    ...[options]: Args<SendOptions<'patch', P>>
  ): Promise<Answer<'patch', P>> => call('PATCH', path, options),
  delete: <P extends PathsWith<'delete'>>(
    path: P,
    ...[options]: Args<SendOptions<'delete', P>>
  ): Promise<Answer<'delete', P>> => call('DELETE', path, options),
};
