import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.js';
import { onActivity } from '../api/client.js';

const TITLES: Record<number, string> = {
  0: 'No connection',
  400: 'Please check the form',
  401: 'Not signed in',
  403: 'Not allowed for your role',
  404: 'Not found',
  409: 'Not possible right now',
  429: 'Too many requests',
};

/** One clear message for any error the API returns (spec §5 body). */
export function ErrorNotice({ error, onRetry }: { error: ApiError | null; onRetry?: () => void }) {
  if (!error) return null;
  const { body } = error;
  const title = TITLES[body.statusCode] ?? (body.statusCode >= 500 ? 'Server problem' : body.error);
  return (
    <div className="notice error" role="alert">
      <strong>{title}.</strong> {humanMessage(error)}
      {body.statusCode === 409 && body.state && (
        <p className="conflict">
          It is now <b>{body.state}</b>
          {body.allowedActions && (
            <>
              {' '}
              — what can be done now:{' '}
              {body.allowedActions.length ? body.allowedActions.join(', ') : 'nothing for you'}
            </>
          )}
          . The page shows the latest state after a refresh.
        </p>
      )}
      {body.fields && body.fields.length > 0 && (
        <ul className="field-list">
          {body.fields.map((f) => (
            <li key={f.field}>
              <code>{f.field}</code>: {f.errors.join('; ')}
            </li>
          ))}
        </ul>
      )}
      {body.statusCode === 429 && <p>Wait a minute, then try again.</p>}
      {body.statusCode >= 500 && (
        <p>This is our fault, not yours. Try again in a moment; nothing you typed is lost.</p>
      )}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Refresh
        </button>
      )}
    </div>
  );
}

function humanMessage(error: ApiError): string {
  const { body } = error;
  if (body.statusCode === 400 && body.fields?.length) {
    return 'Some fields need attention (marked on the form).';
  }
  return body.message;
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'ok'; children: ReactNode }) {
  return (
    <div className={`notice ${kind}`} role="status">
      {children}
    </div>
  );
}

/** Shown in place of content that is still loading. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

/** The thin bar under the header while any request is in flight for more than a moment. */
export function ActivityBar() {
  const [active, setActive] = useState(false);
  useEffect(() => {
    let timer: number | undefined;
    const off = onActivity((n) => {
      window.clearTimeout(timer);
      if (n > 0) timer = window.setTimeout(() => setActive(true), 150);
      else setActive(false);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, []);
  return <div className={`activity ${active ? 'on' : ''}`} aria-hidden={!active} />;
}

/** "Load more" under a paged list, shown while the server says there is more. */
export function LoadMore({ list }: { list: { hasMore: boolean; more(): void } }) {
  if (!list.hasMore) return null;
  return (
    <p>
      <button type="button" onClick={list.more}>
        Load more
      </button>
    </p>
  );
}
