import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Row } from '../../api/client.js';
import { durationText } from '../../i18n/format.js';
import {
  actionLabel,
  followUpLabel,
  machineLabel,
  roleLabel,
  stateLabel,
  whyLabel,
} from '../../i18n/labels.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

export type MachineData = Row<'/state-machines'>;

const BOX_W = 168;
const BOX_H = 40;
const COL_GAP = 150;
const ROW_GAP = 44;
const PAD = 24;

/**
 * Columns by distance from the initial states (breadth first); states nobody reaches from them
 * (none, in a valid machine) go last. Inside a column, the machine's own order.
 */
export function layout(m: MachineData) {
  const level = new Map<string, number>();
  let frontier = [...m.initial];
  frontier.forEach((s) => level.set(s, 0));
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const s of frontier) {
      for (const t of m.transitions) {
        if (t.from.includes(s) && !level.has(t.to)) {
          level.set(t.to, (level.get(s) ?? 0) + 1);
          next.push(t.to);
        }
      }
    }
    frontier = next;
  }
  const last = Math.max(0, ...level.values()) + 1;
  const columns: string[][] = [];
  for (const s of m.states) {
    const l = level.get(s.name) ?? last;
    (columns[l] ??= []).push(s.name);
  }
  const pos = new Map<string, { x: number; y: number }>();
  columns.forEach((col, c) =>
    col.forEach((s, r) =>
      pos.set(s, { x: PAD + c * (BOX_W + COL_GAP), y: PAD + r * (BOX_H + ROW_GAP) }),
    ),
  );
  const height = PAD * 2 + Math.max(...columns.map((c) => c?.length ?? 0)) * (BOX_H + ROW_GAP);
  const width = PAD * 2 + columns.length * (BOX_W + COL_GAP) - COL_GAP;
  return { pos, width, height };
}

/** One machine as a diagram: boxes for states, arrows for transitions, timeouts underneath. */
export function MachineDiagram({ machine }: { machine: MachineData }) {
  const {
    t,
    i18n: { language },
  } = useTranslation();
  const { pos, width, height } = layout(machine);
  const id = `arrow-${machine.name}`;
  const edges: Array<{ key: string; from: string; to: string; label: string; system: boolean }> =
    [];
  for (const tr of machine.transitions) {
    for (const f of tr.from) {
      const key = `${f}->${tr.to}`;
      const existing = edges.find((e) => e.key === key);
      const system = tr.roles.every((r) => r === 'system');
      const label = actionLabel(tr.action);
      if (existing) {
        existing.label += `${t('list.separator')}${label}`;
        existing.system &&= system;
      } else edges.push({ key, from: f, to: tr.to, label, system });
    }
  }
  return (
    <svg
      role="img"
      aria-label={t('machines.diagram', { name: machineLabel(machine.name) })}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="machine-diagram"
    >
      <defs>
        <marker
          id={id}
          viewBox="0 0 10 10"
          refX="10"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#555" />
        </marker>
      </defs>
      {edges.map((e) => {
        const a = pos.get(e.from)!;
        const b = pos.get(e.to)!;
        const dash = e.system ? '5 4' : undefined;
        if (e.from === e.to) {
          const x = a.x + BOX_W - 24;
          const y = a.y;
          return (
            <g key={e.key}>
              <path
                d={`M ${x} ${y} c 10 -26 34 -26 30 0`}
                fill="none"
                stroke="#555"
                strokeDasharray={dash}
                markerEnd={`url(#${id})`}
              />
              <text x={x + 14} y={y - 22} fontSize="10" textAnchor="middle">
                {e.label}
              </text>
            </g>
          );
        }
        const sameColumn = b.x === a.x;
        const forward = b.x > a.x;
        const down = b.y > a.y;
        const x1 = sameColumn ? a.x + BOX_W / 2 : forward ? a.x + BOX_W : a.x;
        const y1 = sameColumn ? (down ? a.y + BOX_H : a.y) : a.y + BOX_H / 2;
        const x2 = sameColumn ? b.x + BOX_W / 2 : forward ? b.x : b.x + BOX_W;
        const y2 = sameColumn ? (down ? b.y : b.y + BOX_H) : b.y + BOX_H / 2;
        // Backward arrows bow below so they do not hide the forward ones.
        const bow = forward || sameColumn ? 0 : 48;
        const mx = (x1 + x2) / 2 + (sameColumn ? 36 : 0);
        const my = (y1 + y2) / 2 + bow;
        return (
          <g key={e.key}>
            <path
              d={`M ${x1} ${y1} Q ${mx} ${my} ${x2} ${y2}`}
              fill="none"
              stroke="#555"
              strokeDasharray={dash}
              markerEnd={`url(#${id})`}
            />
            <text x={mx} y={my - 4} fontSize="10" textAnchor="middle">
              {e.label}
            </text>
          </g>
        );
      })}
      {machine.states.map((s) => {
        const p = pos.get(s.name)!;
        return (
          <g key={s.name}>
            <rect
              x={p.x}
              y={p.y}
              width={BOX_W}
              height={BOX_H}
              rx="6"
              fill={s.terminal ? '#eef5ee' : s.initial ? '#eef0fa' : '#fff'}
              stroke={s.terminal ? '#2f6f4f' : '#444'}
              strokeWidth={s.terminal ? 3 : 1}
            />
            <text
              x={p.x + BOX_W / 2}
              y={p.y + 17}
              fontSize="12"
              fontWeight="600"
              textAnchor="middle"
            >
              {stateLabel(s.name)}
            </text>
            <text x={p.x + BOX_W / 2} y={p.y + 32} fontSize="10" textAnchor="middle" fill="#7a4a00">
              {s.timeout
                ? `${durationText(s.timeout.afterMs, language)} → ${followUpLabel(s.timeout.followUp)}`
                : s.terminal
                  ? t('machines.terminal')
                  : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** A state in the user's words, its code (as in logs and the API) on hover. */
function StateName({ state }: { state: string }) {
  return <span title={state}>{stateLabel(state)}</span>;
}

/** Admins: every state machine of the platform, drawn, with its timeouts and roles. */
export function StateMachinesScreen() {
  const {
    t,
    i18n: { language },
  } = useTranslation();
  const machines = useLoad((signal) => api.get('/state-machines', { signal }), []);
  const [open, setOpen] = useState<string | null>(null);
  const list = machines.data?.items ?? [];
  return (
    <section>
      <h1>{t('screens.stateMachines')}</h1>
      <p className="muted">{t('machines.intro')}</p>
      <ErrorNotice error={machines.error} onRetry={machines.reload} />
      {machines.loading && !machines.data && <Loading />}
      {list.map((m) => (
        <details
          key={m.name}
          className="card"
          open={open === m.name}
          onToggle={(e) => {
            if ((e.target as HTMLDetailsElement).open) setOpen(m.name);
          }}
        >
          <summary>
            <strong>{machineLabel(m.name)}</strong>{' '}
            <span className="muted">
              <code>{m.name}</code> ·{' '}
              {t('machines.counts', { states: m.states.length, transitions: m.transitions.length })}
            </span>
          </summary>
          <div className="table-wrap">
            <MachineDiagram machine={m} />
          </div>
          <Table
            caption={t('machines.timeouts')}
            rows={m.states.filter((s) => s.timeout)}
            rowKey={(s) => s.name}
            empty={t('machines.noTimeouts')}
            columns={[
              { header: t('common.state'), cell: (s) => <StateName state={s.name} /> },
              {
                header: t('machines.col.after'),
                cell: (s) => durationText(s.timeout!.afterMs, language),
              },
              { header: t('machines.col.then'), cell: (s) => followUpLabel(s.timeout!.followUp) },
              {
                header: t('machines.col.why'),
                cell: (s) => whyLabel(m.name, s.name, s.timeout!.why),
              },
              {
                header: t('machines.col.setting'),
                cell: (s) => (s.timeout!.setting ? <code>{s.timeout!.setting}</code> : '—'),
              },
            ]}
          />
          <Table
            caption={t('machines.transitions')}
            rows={m.transitions}
            rowKey={(tr) => `${tr.action}:${tr.from.join(',')}`}
            columns={[
              {
                header: t('machines.col.action'),
                cell: (tr) => <span title={tr.action}>{actionLabel(tr.action)}</span>,
              },
              {
                header: t('machines.col.from'),
                cell: (tr) => tr.from.map(stateLabel).join(t('list.separator')),
              },
              { header: t('machines.col.to'), cell: (tr) => <StateName state={tr.to} /> },
              {
                header: t('machines.col.roles'),
                cell: (tr) => tr.roles.map(roleLabel).join(t('list.separator')),
              },
              {
                header: t('machines.col.guard'),
                cell: (tr) => (tr.guarded ? t('common.yes') : ''),
              },
            ]}
          />
        </details>
      ))}
    </section>
  );
}
