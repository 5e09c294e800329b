import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { ApiError } from '../api/client.js';
import { onActivity } from '../api/client.js';
import { errorMessage, errorTitle, fieldMessage } from '../i18n/errors.js';
import { actionLabel, stateLabel } from '../i18n/labels.js';

/**
 * One clear message for any error the API returns (spec §5 body), translated from its stable
 * `code`. `fieldLabels` names the form's fields as the user sees them.
 */
export function ErrorNotice({
  error,
  onRetry,
  fieldLabels = {},
}: {
  error: ApiError | null;
  onRetry?: () => void;
  fieldLabels?: Record<string, string>;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const { body } = error;
  const withFields = body.statusCode === 400 && Boolean(body.fields?.length);
  const message = withFields
    ? { text: t('errors.fieldsNeedAttention'), detail: null }
    : errorMessage(body);
  return (
    <div className="notice error" role="alert">
      <strong>{errorTitle(body)}.</strong> {message.text}
      {body.statusCode === 409 && body.state && (
        <p className="conflict">
          <Trans
            i18nKey="errors.nowIn"
            values={{ state: stateLabel(body.state) }}
            components={{ b: <b /> }}
          />
          {body.allowedActions &&
            t('errors.canDoNow', {
              actions: body.allowedActions.length
                ? body.allowedActions.map(actionLabel).join(t('list.separator'))
                : t('errors.nothingForYou'),
            })}
          {t('errors.latestAfterRefresh')}
        </p>
      )}
      {withFields && (
        <ul className="field-list">
          {body.fields!.map((f) => (
            <li key={f.field}>
              {fieldLabels[f.field] ? <b>{fieldLabels[f.field]}</b> : <code>{f.field}</code>}
              {t('list.colon')}
              {f.errors.map(fieldMessage).join(t('list.separator'))}
            </li>
          ))}
        </ul>
      )}
      {message.detail && (
        <details className="detail">
          <summary>{t('errors.details')}</summary>
          <span lang="en">{message.detail}</span>
        </details>
      )}
      {body.statusCode === 429 && <p>{t('errors.waitMinute')}</p>}
      {body.statusCode >= 500 && <p>{t('errors.ourFault')}</p>}
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('common.refresh')}
        </button>
      )}
    </div>
  );
}

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'ok'; children: ReactNode }) {
  return (
    <div className={`notice ${kind}`} role="status">
      {children}
    </div>
  );
}

/** Shown in place of content that is still loading. */
export function Loading({ what }: { what?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what ?? t('common.loading')}…
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
  const { t } = useTranslation();
  if (!list.hasMore) return null;
  return (
    <p>
      <button type="button" onClick={list.more}>
        {t('common.loadMore')}
      </button>
    </p>
  );
}
