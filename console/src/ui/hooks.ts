import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client.js';

/** A page of a keyset-paginated list (spec §5), as every list of the API answers it. */
interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/** Loads data when the deps change; keeps the last data while reloading. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    loadRef
      .current(ctrl.signal)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') setError(asApiError(err));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({
    statusCode: 0,
    error: 'Error',
    code: 'internal',
    message: err instanceof Error ? err.message : String(err),
  });
}

/** Runs an action (a button, a form): busy while it runs, the error kept for display. */
export function useAction<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const runRef = useRef(run);
  runRef.current = run;
  const go = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await runRef.current(...args);
    } catch (err) {
      setError(asApiError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run: go, clearError: () => setError(null) };
}

export interface Paged<T> extends Loaded<{ items: T[] }> {
  items: T[];
  hasMore: boolean;
  more(): void;
}

/**
 * A list read a page at a time (spec §5 keyset pages): the first page loads when the deps
 * change, `more()` appends the next one. Nothing is cut off silently: while `hasMore` the
 * screen offers "Load more".
 */
export function usePagedLoad<T>(
  load: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
  deps: unknown[],
): Paged<T> {
  const first = useLoad((signal) => load(undefined, signal), deps);
  const [extra, setExtra] = useState<{ items: T[]; next: string | null } | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => setExtra(null), [first.data]);
  const next = extra ? extra.next : (first.data?.nextCursor ?? null);
  const more = useCallback(() => {
    if (!next) return;
    loadRef
      .current(next, new AbortController().signal)
      .then((p) => {
        setExtra((e) => ({ items: [...(e?.items ?? []), ...p.items], next: p.nextCursor ?? null }));
        setMoreError(null);
      })
      .catch((err: unknown) => setMoreError(asApiError(err)));
  }, [next]);
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  return {
    ...first,
    error: first.error ?? moreError,
    data: first.data ? { items } : undefined,
    items,
    hasMore: next !== null,
    more,
  };
}

/**
 * Idempotency-Keys for actions on rows of a list (claim this item, list that one): one key per
 * row until the action succeeds, so a retry after a lost answer replays the first attempt.
 */
export function useActionKeys() {
  const keys = useRef(new Map<string, string>());
  return useRef({
    for(id: string): string {
      let key = keys.current.get(id);
      if (!key) {
        key = crypto.randomUUID();
        keys.current.set(id, key);
      }
      return key;
    },
    done(id: string): void {
      keys.current.delete(id);
    },
  }).current;
}
