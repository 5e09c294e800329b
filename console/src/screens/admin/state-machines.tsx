import { useState } from 'react';
import { api } from '../../api/client.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

interface StateTimeout {
  afterMs: number;
  after: string;
  followUp: string;
  why: string;
  setting?: string;
}

export interface MachineData {
  name: string;
  initial: string[];
  terminal: string[];
  states: Array<{
    name: string;
    initial: boolean;
    terminal: boolean;
    timeout: StateTimeout | null;
  }>;
  transitions: Array<{
    action: string;
    from: string[];
    to: string;
    roles: string[];
    guarded: boolean;
  }>;
}

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
  const { pos, width, height } = layout(machine);
  const id = `arrow-${machine.name}`;
  const edges: Array<{ key: string; from: string; to: string; label: string; system: boolean }> =
    [];
  for (const t of machine.transitions) {
    for (const f of t.from) {
      const key = `${f}->${t.to}`;
      const existing = edges.find((e) => e.key === key);
      const system = t.roles.every((r) => r === 'system');
      if (existing) {
        existing.label += `, ${t.action}`;
        existing.system &&= system;
      } else edges.push({ key, from: f, to: t.to, label: t.action, system });
    }
  }
  return (
    <svg
      role="img"
      aria-label={`State diagram of ${machine.name}`}
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
              {s.name}
            </text>
            <text x={p.x + BOX_W / 2} y={p.y + 32} fontSize="10" textAnchor="middle" fill="#7a4a00">
              {s.timeout
                ? `${s.timeout.after} → ${s.timeout.followUp}`
                : s.terminal
                  ? '终态 terminal'
                  : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Admins: every state machine of the platform, drawn, with its timeouts and roles. */
export function StateMachinesScreen() {
  const machines = useLoad(
    (signal) => api.get<{ items: MachineData[] }>('/state-machines', undefined, signal),
    [],
  );
  const [open, setOpen] = useState<string | null>(null);
  const list = machines.data?.items ?? [];
  return (
    <section>
      <h1>
        State machines <span className="muted">状态机</span>
      </h1>
      <p className="muted">
        Every state has a way forward: a timeout with a named follow-up (shown under the state), or
        an action a person may take. Dashed arrows are taken by the platform itself.
        每个状态都有出路：超时后的
        处理（显示在状态下方），或某个角色可执行的操作；虚线为系统自动执行。
      </p>
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
            <strong>{m.name}</strong>{' '}
            <span className="muted">
              {m.states.length} states 个状态 · {m.transitions.length} transitions 个转换
            </span>
          </summary>
          <div className="table-wrap">
            <MachineDiagram machine={m} />
          </div>
          <Table
            caption="Timeouts 超时"
            rows={m.states.filter((s) => s.timeout)}
            rowKey={(s) => s.name}
            empty="No timeouts: every state waits for a person. 无超时。"
            columns={[
              { header: 'State 状态', cell: (s) => s.name },
              { header: 'After 时限', cell: (s) => s.timeout!.after },
              { header: 'Then 之后', cell: (s) => s.timeout!.followUp },
              { header: 'Why 原因', cell: (s) => s.timeout!.why },
              { header: 'Setting 配置', cell: (s) => s.timeout!.setting ?? '—' },
            ]}
          />
          <Table
            caption="Transitions 转换"
            rows={m.transitions}
            rowKey={(t) => `${t.action}:${t.from.join(',')}`}
            columns={[
              { header: 'Action 操作', cell: (t) => t.action },
              { header: 'From 从', cell: (t) => t.from.join(', ') },
              { header: 'To 到', cell: (t) => t.to },
              { header: 'Roles 角色', cell: (t) => t.roles.join(', ') },
              { header: 'Guard 条件', cell: (t) => (t.guarded ? 'yes 是' : '') },
            ]}
          />
        </details>
      ))}
    </section>
  );
}
