import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Answer } from '../../api/client.js';
import { StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { PlaceName } from '../../ui/places.js';

type Board = Answer<'get', '/pickups/board'>;
type BoardPickup = Board['pickups'][number];

const UNASSIGNED = '';

/** All the board's API calls in one place. */
const boardApi = {
  load: (date: string, areaCode: string, signal: AbortSignal) =>
    api.get('/pickups/board', {
      query: { date: date || undefined, areaCode: areaCode || undefined },
      signal,
    }),
  assign: (p: BoardPickup, courierId: string) =>
    api.post('/pickups/{id}/assign', {
      path: { id: p.id },
      body: { courierId, version: p.version },
      key: `assign-${p.id}-${p.version}-${courierId}`,
    }),
};

/**
 * The admin's dispatch board (issue 22): a day's pickups per courier, with each courier's load
 * against capacity and an unassigned column. A card moves by dragging it onto a courier, or with
 * its "assign to" list (keyboard and screen readers). A card changed meanwhile answers 409 and
 * the board says so in words, then reloads.
 */
export function DispatchBoardScreen() {
  const { t } = useTranslation();
  const [date, setDate] = useState('');
  const [area, setArea] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const board = useLoad((signal) => boardApi.load(date, area, signal), [date, area]);

  const move = async (pickupId: string, courierId: string) => {
    const p = board.data?.pickups.find((x) => x.id === pickupId);
    if (!p || !courierId || p.courierId === courierId) return;
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      await boardApi.assign(p, courierId);
      const name = board.data?.couriers.find((c) => c.userId === courierId)?.name ?? '';
      setNotice(t('board.assigned', { name }));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setError(err);
      if (err.status === 409) setNotice(t('board.conflict'));
    } finally {
      setBusy(false);
      board.reload();
    }
  };

  const data = board.data;
  const columns = [
    { id: UNASSIGNED, title: t('board.unassigned'), capacity: null as string | null },
    ...(data?.couriers ?? []).map((c) => ({
      id: c.userId,
      title: c.name,
      capacity: t('board.load', { total: c.total, capacity: c.capacityPerWindow }),
    })),
  ];
  const cardsOf = (columnId: string) =>
    (data?.pickups ?? []).filter((p) =>
      columnId === UNASSIGNED ? p.courierId === null : p.courierId === columnId,
    );
  const loadOf = (courierId: string, windowIndex: number) =>
    data?.couriers
      .find((c) => c.userId === courierId)
      ?.load.find((l) => l.windowIndex === windowIndex)?.count ?? 0;

  return (
    <section>
      <h1>{t('screens.dispatchBoard')}</h1>
      <div className="toolbar">
        <label className="inline">
          {t('common.day')}{' '}
          <input
            type="date"
            value={date || data?.date || ''}
            onChange={(e) => setDate(e.target.value)}
          />
        </label>{' '}
        <label className="inline">
          {t('board.area')}{' '}
          <input
            value={area}
            placeholder="310100"
            onChange={(e) => setArea(e.target.value.trim())}
            aria-describedby="board-area-hint"
          />
        </label>{' '}
        <span id="board-area-hint" className="muted">
          {t('board.areaHint')}
        </span>{' '}
        <button type="button" onClick={board.reload}>
          {t('common.refresh')}
        </button>
      </div>
      <p role="status" aria-live="polite">
        {notice}
      </p>
      <ErrorNotice error={error} />
      <ErrorNotice error={board.error} onRetry={board.reload} />
      {board.loading && !data && <Loading what={t('board.loading')} />}
      {data?.truncated && <p className="notice">{t('board.truncated')}</p>}
      {data && data.pickups.length === 0 && <p className="muted">{t('board.none')}</p>}
      {data && data.areas.length > 0 && (
        <ul className="muted" aria-label={t('board.areaCapacity')}>
          {data.areas.map((a) => (
            <li key={a.cityCode}>
              <PlaceName cityCode={a.cityCode} />:{' '}
              {a.windows
                .map((w) =>
                  t('board.window', {
                    start: w.start,
                    end: w.end,
                    booked: w.booked,
                    capacity: w.capacity,
                  }),
                )
                .join(t('list.separator'))}
            </li>
          ))}
        </ul>
      )}
      <div className="board" aria-busy={busy}>
        {columns.map((col) => (
          <section
            key={col.id || 'unassigned'}
            className="board-column"
            aria-label={col.title}
            data-courier={col.id || 'unassigned'}
            onDragOver={(e: DragEvent) => {
              if (col.id) e.preventDefault();
            }}
            onDrop={(e: DragEvent) => {
              e.preventDefault();
              void move(e.dataTransfer.getData('text/plain'), col.id);
            }}
          >
            <h2>{col.title}</h2>
            {col.capacity && <p className="muted">{col.capacity}</p>}
            <ul>
              {cardsOf(col.id).map((p) => (
                <li
                  key={p.id}
                  className="card pickup"
                  draggable={!busy && (p.state === 'SCHEDULED' || p.state === 'ASSIGNED')}
                  onDragStart={(e: DragEvent) => e.dataTransfer.setData('text/plain', p.id)}
                  aria-label={t('board.card', {
                    window: p.promisedWindow.local,
                    name: p.address.contactName,
                  })}
                >
                  <div className="pickup-head">
                    <strong>{p.promisedWindow.local}</strong> <StateBadge state={p.state} />
                  </div>
                  <p>
                    <PlaceName
                      cityCode={p.address.cityCode}
                      districtCode={p.address.districtCode}
                    />{' '}
                    {p.address.line1} · {p.address.contactName}
                  </p>
                  {(p.state === 'SCHEDULED' || p.state === 'ASSIGNED') && (
                    <label className="inline">
                      {t('board.assignTo')}{' '}
                      <select
                        value=""
                        disabled={busy}
                        onChange={(e) => void move(p.id, e.target.value)}
                      >
                        <option value="">{t('board.choose')}</option>
                        {(data?.couriers ?? [])
                          .filter((c) => c.userId !== p.courierId)
                          .map((c) => (
                            <option key={c.userId} value={c.userId}>
                              {t('board.courierOption', {
                                name: c.name,
                                count: loadOf(
                                  c.userId,
                                  p.promisedWindow ? windowIndexOf(data, p) : 0,
                                ),
                                capacity: c.capacityPerWindow,
                              })}
                            </option>
                          ))}
                      </select>
                    </label>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}

/** The pickup's window index in its area (matched by local start time). */
function windowIndexOf(board: Board | undefined, p: BoardPickup): number {
  const area = board?.areas.find((a) => a.cityCode === p.areaCode);
  const start = p.promisedWindow.local.split('–')[0];
  return area?.windows.find((w) => w.start === start)?.index ?? 0;
}
