import { session } from '../../api/client.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { ApiError } from '../../api/client.js';

interface BoardQueue {
  name: string;
  counts: Record<string, number>;
}

const STATES: Array<[string, string]> = [
  ['waiting', '#c28a00'],
  ['delayed', '#7a6fb0'],
  ['active', '#2f6f4f'],
  ['failed', '#b3261e'],
];

/** Queue depth from the queue dashboard's own API (admins only, bearer token). */
async function loadQueues(signal: AbortSignal): Promise<BoardQueue[]> {
  const res = await fetch('/admin/queues/api/queues', {
    headers: { authorization: `Bearer ${session.token ?? ''}` },
    signal,
  });
  if (!res.ok) {
    throw new ApiError({
      statusCode: res.status,
      error: res.statusText,
      message: await res.text(),
    });
  }
  return ((await res.json()) as { queues: BoardQueue[] }).queues;
}

export function QueuesScreen() {
  const queues = useLoad(loadQueues, []);
  const rows = queues.data ?? [];
  return (
    <section>
      <h1>Background queues</h1>
      <p>
        <a
          className="button"
          href={`/admin/queues?token=${encodeURIComponent(session.token ?? '')}`}
          target="_blank"
          rel="noreferrer"
        >
          Open the queue dashboard
        </a>{' '}
        <button type="button" onClick={queues.reload}>
          Refresh
        </button>
      </p>
      <ErrorNotice error={queues.error} onRetry={queues.reload} />
      {queues.loading && !queues.data ? (
        <Loading />
      ) : (
        <BarPanel
          title="Queue depth"
          stacked
          labels={rows.map((q) => q.name)}
          series={STATES.map(([state, color]) => ({
            label: state,
            color,
            values: rows.map((q) => q.counts[state] ?? 0),
          }))}
        />
      )}
    </section>
  );
}
