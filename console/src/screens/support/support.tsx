import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, type Page } from '../../api/client.js';
import { formatTime, type Stateful } from '../../api/types.js';
import { useMe } from '../../auth.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

interface SearchHit {
  id: string;
  traceCode: string;
  state: string;
  grade: string | null;
  matchedBy: string[];
  serialNumber: string | null;
  imei: string | null;
  owner: { id: string; name: string | null; email: string | null; phone: string | null } | null;
  createdAt: string;
}

interface TimelineEvent {
  seq: number;
  at: string;
  type: string;
  entity: string;
  fromState: string | null;
  toState: string | null;
  actor: { role: string };
  organisation: { name: string } | null;
  custodian: { kind: string; name?: string } | null;
  place?: string | null;
}

export interface SupportCase extends Stateful {
  kind: string;
  origin: string;
  summary: string;
  itemIds: string[];
  slaDueAt: string;
  breached: boolean;
  resolvedAt: string | null;
  resolution: string | null;
  assigneeId?: string | null;
  createdAt: string;
  notes?: Array<{
    id: string;
    body: string;
    authorRole: string;
    internal?: boolean;
    createdAt: string;
  }>;
}

/** One search box: order number, phone, trace code, serial/IMEI, e-mail. */
export function SupportSearchScreen() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const results = useLoad(
    (signal) =>
      q
        ? api.get<{ items: SearchHit[] }>('/support/search', { q }, signal)
        : Promise.resolve({ items: [] as SearchHit[] }),
    [q],
  );
  return (
    <section>
      <h1>Search</h1>
      <form
        role="search"
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(text.trim() ? { q: text.trim() } : {});
        }}
      >
        <label htmlFor="support-q">Order number, phone, trace code, serial, IMEI or e-mail</label>
        <div className="buttons">
          <input
            id="support-q"
            type="search"
            value={text}
            autoFocus
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="primary">
            Search
          </button>
        </div>
      </form>
      <ErrorNotice error={results.error} onRetry={results.reload} />
      {results.loading && q && <Loading what="Searching" />}
      {q && results.data && (
        <Table
          caption={`Results for “${q}”`}
          empty="Nothing found. Check the number, or try another key (phone, e-mail, trace code)."
          rows={results.data.items}
          rowKey={(h) => h.id}
          columns={[
            {
              header: 'Item',
              cell: (h) => <Link to={`/console/support/items/${h.id}`}>{h.traceCode}</Link>,
            },
            { header: 'State', cell: (h) => <StateBadge state={h.state} /> },
            {
              header: 'Owner',
              cell: (h) =>
                h.owner
                  ? `${h.owner.name ?? ''} ${h.owner.phone ?? ''} ${h.owner.email ?? ''}`
                  : '—',
            },
            { header: 'Serial / IMEI', cell: (h) => h.imei ?? h.serialNumber ?? '—' },
            { header: 'Matched by', cell: (h) => h.matchedBy.join(', ') },
          ]}
        />
      )}
    </section>
  );
}

export function Timeline({ events }: { events: TimelineEvent[] }) {
  if (events.length === 0) return <p className="muted">No events yet.</p>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {events.map((e) => (
        <li key={`${e.seq}-${e.type}`}>
          <time>{formatTime(e.at)}</time> <b>{e.type}</b>{' '}
          {e.toState && (
            <span className="muted">
              {e.fromState ?? '∅'} → {e.toState}
            </span>
          )}{' '}
          · {e.actor.role}
          {e.organisation && ` (${e.organisation.name})`}
          {e.custodian && ` · held by ${e.custodian.name ?? e.custodian.kind}`}
        </li>
      ))}
    </ol>
  );
}

export function SupportItemScreen() {
  const { id = '' } = useParams();
  const timeline = useLoad(
    (signal) =>
      api.get<{ traceCode: string; events: TimelineEvent[] }>(`/items/${id}/timeline`, {}, signal),
    [id],
  );
  const cases = useLoad(
    (signal) => api.get<Page<SupportCase>>('/support/cases', { itemId: id }, signal),
    [id],
  );
  return (
    <section>
      <p>
        <Link to="/console/support">← Search</Link>
      </p>
      <h1>Item {timeline.data?.traceCode}</h1>
      <div className="columns">
        <div>
          <h2>Timeline</h2>
          <ErrorNotice error={timeline.error} onRetry={timeline.reload} />
          {timeline.loading && !timeline.data ? (
            <Loading />
          ) : (
            <Timeline events={timeline.data?.events ?? []} />
          )}
          {timeline.data && (
            <p>
              <a href={`/t/${timeline.data.traceCode}`} target="_blank" rel="noreferrer">
                Public passport
              </a>
            </p>
          )}
        </div>
        <div>
          <h2>Cases</h2>
          <ErrorNotice error={cases.error} onRetry={cases.reload} />
          <CaseList cases={cases.data?.items ?? []} />
        </div>
      </div>
    </section>
  );
}

function SlaState({ c }: { c: SupportCase }) {
  if (c.resolvedAt)
    return (
      <span className={c.breached ? 'bad' : 'ok'}>{c.breached ? 'resolved late' : 'met'}</span>
    );
  if (c.breached) return <span className="bad">breached (due {formatTime(c.slaDueAt)})</span>;
  return <span>due {formatTime(c.slaDueAt)}</span>;
}

function CaseList({ cases }: { cases: SupportCase[] }) {
  return (
    <Table
      caption="Support cases"
      empty="No cases."
      rows={cases}
      rowKey={(c) => c.id}
      columns={[
        {
          header: 'Case',
          cell: (c) => <Link to={`/console/support/cases/${c.id}`}>{c.summary}</Link>,
        },
        { header: 'Kind', cell: (c) => c.kind },
        { header: 'State', cell: (c) => <StateBadge state={c.state} /> },
        { header: 'SLA', cell: (c) => <SlaState c={c} /> },
      ]}
    />
  );
}

export function SupportCasesScreen() {
  const [state, setState] = useState('OPEN');
  const [breached, setBreached] = useState('');
  const list = useLoad(
    (signal) =>
      api.get<Page<SupportCase>>('/support/cases', { state, breached, limit: 100 }, signal),
    [state, breached],
  );
  return (
    <section>
      <h1>Cases</h1>
      <label className="inline">
        State{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          {['', 'OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'].map((s) => (
            <option key={s} value={s}>
              {s || 'all'}
            </option>
          ))}
        </select>
      </label>{' '}
      <label className="inline">
        SLA{' '}
        <select value={breached} onChange={(e) => setBreached(e.target.value)}>
          <option value="">any</option>
          <option value="true">breached</option>
          <option value="false">within</option>
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : <CaseList cases={list.data?.items ?? []} />}
    </section>
  );
}

export function SupportCaseScreen() {
  const { id = '' } = useParams();
  const me = useMe();
  const c = useLoad((signal) => api.get<SupportCase>(`/support/cases/${id}`, {}, signal), [id]);
  const note = useForm({ body: '' });
  const data = c.data;
  return (
    <section>
      <p>
        <Link to="/console/support/cases">← Cases</Link>
      </p>
      <ErrorNotice error={c.error} onRetry={c.reload} />
      {c.loading && !data && <Loading />}
      {data && (
        <>
          <h1>{data.summary}</h1>
          <p>
            <StateBadge state={data.state} /> {data.kind} · opened {formatTime(data.createdAt)} by{' '}
            {data.origin} · SLA <SlaState c={data} />
          </p>
          <p>
            Items:{' '}
            {data.itemIds.map((i) => (
              <Link key={i} to={`/console/support/items/${i}`} className="tag">
                {i.slice(0, 8)}
              </Link>
            ))}
          </p>
          <ActionBar
            resource={data}
            onDone={c.reload}
            actions={{
              assign: {
                label: 'Take it',
                run: () =>
                  api.post(`/support/cases/${id}/assign`, {
                    version: data.version,
                    assigneeId: me.id,
                  }),
              },
              resolve: {
                label: 'Resolve',
                form: (done, cancel) => (
                  <ResolveForm id={id} version={data.version} done={done} cancel={cancel} />
                ),
              },
              close: {
                label: 'Close',
                run: () => api.post(`/support/cases/${id}/close`, { version: data.version }),
              },
              reopen: {
                label: 'Reopen',
                run: () => api.post(`/support/cases/${id}/reopen`, { version: data.version }),
              },
            }}
          />
          {data.resolution && <p>Resolution: {data.resolution}</p>}
          <h2>Notes</h2>
          <ol className="notes">
            {(data.notes ?? []).map((n) => (
              <li key={n.id}>
                <small className="muted">
                  {formatTime(n.createdAt)} · {n.authorRole}{' '}
                  {n.internal ? '· internal' : '· to customer'}
                </small>
                <p>{n.body}</p>
              </li>
            ))}
          </ol>
          <form
            aria-label="Add a note"
            noValidate
            onSubmit={note.submit(
              (v) => api.create(`/support/cases/${id}/notes`, { body: v.body }),
              () => {
                note.reset();
                c.reload();
              },
            )}
          >
            <Field form={note} name="body" label="Internal note" multiline />
            <FormFooter form={note} label="Add note" busyLabel="Saving" />
          </form>
        </>
      )}
    </section>
  );
}

function ResolveForm({
  id,
  version,
  done,
  cancel,
}: {
  id: string;
  version: number;
  done: () => void;
  cancel: () => void;
}) {
  const form = useForm({ resolution: '' });
  return (
    <form
      className="card"
      aria-label="Resolve case"
      noValidate
      onSubmit={form.submit(
        (v) => api.post(`/support/cases/${id}/resolve`, { version, resolution: v.resolution }),
        done,
      )}
    >
      <Field form={form} name="resolution" label="Resolution" multiline />
      <FormFooter
        form={form}
        label="Resolve"
        extra={
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        }
      />
    </form>
  );
}
