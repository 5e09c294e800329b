import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { durationText } from '../../i18n/format.js';
import { followUpLabel, machineLabel, stateLabel, whyLabel } from '../../i18n/labels.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import { usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

/** "Stuck for more than …": how far past its state's limit a row must be to show. */
const OVER = [
  [0, 'limit'],
  [60, 'hour'],
  [1440, 'day'],
  [10080, 'week'],
] as const;

const MACHINES = [
  'Item',
  'TradeInOrder',
  'TradeInItem',
  'Pickup',
  'Parcel',
  'Erasure',
  'Inspection',
  'CalibrationTask',
  'RefurbishmentOrder',
  'RecyclingLot',
  'Listing',
  'SaleOrder',
  'VehiclePaperworkTask',
];

/** Support's queue of stuck work: every row past its state's limit, longest waiting first. */
export function StuckWorkScreen() {
  const {
    t,
    i18n: { language },
  } = useTranslation();
  const [over, setOver] = useState(0);
  const [machine, setMachine] = useState('');
  const rows = usePagedLoad(
    (cursor, signal) =>
      api.get('/support/stuck-work', {
        query: { overMinutes: over, machine: machine || undefined, cursor },
        signal,
      }),
    [over, machine],
  );
  return (
    <section>
      <h1>{t('screens.stuckWork')}</h1>
      <p className="muted">{t('stuck.intro')}</p>
      <p className="filters">
        <label>
          {t('stuck.over')}{' '}
          <select value={over} onChange={(e) => setOver(Number(e.target.value))}>
            {OVER.map(([minutes, over]) => (
              <option key={minutes} value={minutes}>
                {t(`stuck.overs.${over}`)}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          {t('stuck.kind')}{' '}
          <select value={machine} onChange={(e) => setMachine(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {MACHINES.map((m) => (
              <option key={m} value={m}>
                {machineLabel(m)}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" onClick={rows.reload}>
          {t('common.refresh')}
        </button>
      </p>
      <ErrorNotice error={rows.error} onRetry={rows.reload} />
      {rows.loading && !rows.data ? (
        <Loading />
      ) : (
        <Table
          rows={rows.items}
          rowKey={(r) => `${r.machine}:${r.id}`}
          empty={t('stuck.empty')}
          columns={[
            {
              header: t('stuck.col.what'),
              cell: (r) => `${machineLabel(r.machine)} ${r.id.slice(0, 8)}`,
            },
            {
              header: t('stuck.col.items'),
              cell: (r) =>
                r.items.map((i) => (
                  <Link key={i.id} to={`/console/support/items/${i.id}`}>
                    {i.traceCode}{' '}
                  </Link>
                )),
            },
            {
              header: t('common.state'),
              cell: (r) => <span title={r.state}>{stateLabel(r.state)}</span>,
            },
            {
              header: t('stuck.col.stuckFor'),
              cell: (r) => (
                <span title={t('stuck.since', { time: formatTime(r.enteredAt) })}>
                  {durationText(r.stuckForMs, language)}{' '}
                  <span className="muted">
                    {t('stuck.limit', { limit: durationText(r.limitMs, language) })}
                  </span>
                </span>
              ),
            },
            { header: t('stuck.col.why'), cell: (r) => whyLabel(r.machine, r.state, r.why) },
            {
              header: t('stuck.col.case'),
              cell: (r) =>
                r.escalation?.caseId ? (
                  <Link to={`/console/support/cases/${r.escalation.caseId}`}>
                    {r.escalation.caseState
                      ? stateLabel(r.escalation.caseState)
                      : t('screens.case')}
                  </Link>
                ) : r.followUp === 'escalate' ? (
                  <span className="muted">{t('stuck.nextSweep')}</span>
                ) : (
                  <span className="muted">{followUpLabel(r.followUp)}</span>
                ),
            },
          ]}
        />
      )}
      <LoadMore list={rows} />
    </section>
  );
}
