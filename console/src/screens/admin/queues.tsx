import { useTranslation } from 'react-i18next';
import { api, ApiError, fetchWithSession } from '../../api/client.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useAction, useLoad } from '../../ui/hooks.js';

interface BoardQueue {
  name: string;
  counts: Record<string, number>;
}

const STATES: Array<['waiting' | 'delayed' | 'active' | 'failed', string]> = [
  ['waiting', '#c28a00'],
  ['delayed', '#7a6fb0'],
  ['active', '#2f6f4f'],
  ['failed', '#b3261e'],
];

/** Queue depth from the queue dashboard's own API (admins only, bearer token). */
async function loadQueues(signal: AbortSignal): Promise<BoardQueue[]> {
  const res = await fetchWithSession('/admin/queues/api/queues', { signal });
  if (!res.ok) {
    throw new ApiError({
      statusCode: res.status,
      error: res.statusText,
      message: await res.text(),
    });
  }
  return ((await res.json()) as { queues: BoardQueue[] }).queues;
}

/**
 * Opens bull-board in a new tab with a one-time ticket (good for a minute), which the board
 * exchanges for its own httpOnly cookie: no bearer token ever goes into a URL.
 */
async function openDashboard() {
  const tab = window.open('about:blank', '_blank');
  try {
    const { url } = await api.post('/queue-dashboard/tickets');
    if (tab) tab.location.href = url;
    else window.location.assign(url);
  } catch (err) {
    tab?.close();
    throw err;
  }
}

export function QueuesScreen() {
  const { t } = useTranslation();
  const queues = useLoad(loadQueues, []);
  const open = useAction(openDashboard);
  const rows = queues.data ?? [];
  return (
    <section>
      <h1>{t('queues.title')}</h1>
      <p>
        <button
          type="button"
          className="button"
          disabled={open.busy}
          onClick={() => void open.run()}
        >
          {t('queues.open')}
        </button>{' '}
        <button type="button" onClick={queues.reload}>
          {t('common.refresh')}
        </button>
      </p>
      <ErrorNotice error={open.error} />
      <ErrorNotice error={queues.error} onRetry={queues.reload} />
      {queues.loading && !queues.data ? (
        <Loading />
      ) : (
        <BarPanel
          title={t('queues.depth')}
          stacked
          labels={rows.map((q) => q.name)}
          series={STATES.map(([state, color]) => ({
            label: t(`queues.states.${state}`),
            color,
            values: rows.map((q) => q.counts[state] ?? 0),
          }))}
        />
      )}
    </section>
  );
}
