import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Page } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import { usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

export interface StuckRow {
  machine: string;
  id: string;
  state: string;
  enteredAt: string;
  stuckFor: string;
  limit: string;
  followUp: string;
  why: string;
  items: Array<{ id: string; traceCode: string }>;
  escalation: { caseId: string | null; caseState: string | null; escalatedAt: string } | null;
}

/** "Stuck for more than …": how far past its state's limit a row must be to show. */
const OVER: Array<[number, string]> = [
  [0, 'its limit 超过时限'],
  [60, 'its limit + 1 hour 超时 1 小时以上'],
  [1440, 'its limit + 1 day 超时 1 天以上'],
  [10080, 'its limit + 7 days 超时 7 天以上'],
];

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
  const [over, setOver] = useState(0);
  const [machine, setMachine] = useState('');
  const rows = usePagedLoad(
    (cursor, signal) =>
      api.get<Page<StuckRow>>(
        '/support/stuck-work',
        { overMinutes: over, machine: machine || undefined, cursor },
        signal,
      ),
    [over, machine],
  );
  return (
    <section>
      <h1>
        Stuck work <span className="muted">滞留工作</span>
      </h1>
      <p className="muted">
        Orders, items and parcels that stayed in one state longer than it allows. The sweeper
        applies each state&apos;s follow-up or opens a case; these wait for a person.
        超过状态时限仍未推进的订单、物品和包裹。
      </p>
      <p className="filters">
        <label>
          Stuck for more than 滞留超过{' '}
          <select value={over} onChange={(e) => setOver(Number(e.target.value))}>
            {OVER.map(([minutes, label]) => (
              <option key={minutes} value={minutes}>
                {label}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Kind 类型{' '}
          <select value={machine} onChange={(e) => setMachine(e.target.value)}>
            <option value="">All 全部</option>
            {MACHINES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" onClick={rows.reload}>
          Refresh 刷新
        </button>
      </p>
      <ErrorNotice error={rows.error} onRetry={rows.reload} />
      {rows.loading && !rows.data ? (
        <Loading />
      ) : (
        <Table
          rows={rows.items}
          rowKey={(r) => `${r.machine}:${r.id}`}
          empty="Nothing is stuck. 没有滞留的工作。"
          columns={[
            { header: 'What 对象', cell: (r) => `${r.machine} ${r.id.slice(0, 8)}` },
            {
              header: 'Items 物品',
              cell: (r) =>
                r.items.map((i) => (
                  <Link key={i.id} to={`/console/support/items/${i.id}`}>
                    {i.traceCode}{' '}
                  </Link>
                )),
            },
            { header: 'State 状态', cell: (r) => r.state },
            {
              header: 'Stuck for 已滞留',
              cell: (r) => (
                <span title={`since ${formatTime(r.enteredAt)}`}>
                  {r.stuckFor} <span className="muted">(limit {r.limit})</span>
                </span>
              ),
            },
            { header: 'Why it matters 原因', cell: (r) => r.why },
            {
              header: 'Case 工单',
              cell: (r) =>
                r.escalation?.caseId ? (
                  <Link to={`/console/support/cases/${r.escalation.caseId}`}>
                    {r.escalation.caseState ?? 'case'}
                  </Link>
                ) : r.followUp === 'escalate' ? (
                  <span className="muted">next sweep 下次巡检</span>
                ) : (
                  <span className="muted">{r.followUp}</span>
                ),
            },
          ]}
        />
      )}
      <LoadMore list={rows} />
    </section>
  );
}
