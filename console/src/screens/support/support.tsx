import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, type Answer, type Row } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { useMe } from '../../auth.js';
import { i18n } from '../../i18n/index.js';
import { actionLabel, roleLabel, stateLabel } from '../../i18n/labels.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, Loading, LoadMore } from '../../ui/feedback.js';
import { CancelButton, chosen, Field, FormFooter, oneOf, useForm } from '../../ui/form.js';
import { useLoad, usePagedLoad } from '../../ui/hooks.js';
import { AttachedPhotos } from '../../ui/photos.js';
import { Table } from '../../ui/table.js';

type SupportCase = Row<'/support/cases'>;
const CASE_STATES = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const;

/** One search box: order number, phone, trace code, serial/IMEI, e-mail. */
export function SupportSearchScreen() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const results = useLoad(
    (signal) =>
      q
        ? api.get('/support/search', { query: { q }, signal })
        : Promise.resolve({ items: [], query: '' }),
    [q],
  );
  return (
    <section>
      <h1>{t('screens.search')}</h1>
      <form
        role="search"
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(text.trim() ? { q: text.trim() } : {});
        }}
      >
        <label htmlFor="support-q">{t('support.searchLabel')}</label>
        <div className="buttons">
          <input
            id="support-q"
            type="search"
            value={text}
            autoFocus
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="primary">
            {t('common.search')}
          </button>
        </div>
      </form>
      <ErrorNotice error={results.error} onRetry={results.reload} />
      {results.loading && q && <Loading what={t('support.searching')} />}
      {q && results.data && (
        <Table
          caption={t('support.results', { q })}
          empty={t('support.nothing')}
          rows={results.data.items}
          rowKey={(h) => h.id}
          columns={[
            {
              header: t('support.col.item'),
              cell: (h) => <Link to={`/console/support/items/${h.id}`}>{h.traceCode}</Link>,
            },
            { header: t('common.state'), cell: (h) => <StateBadge state={h.state} /> },
            {
              header: t('support.col.owner'),
              cell: (h) =>
                h.owner
                  ? `${h.owner.name ?? ''} ${h.owner.phone ?? ''} ${h.owner.email ?? ''}`
                  : '—',
            },
            { header: t('support.col.serial'), cell: (h) => h.imei ?? h.serialNumber ?? '—' },
            {
              header: t('support.col.matchedBy'),
              cell: (h) => h.matchedBy.map(matchLabel).join(t('list.separator')),
            },
            {
              header: '',
              cell: (h) => (
                <Link
                  to={`/console/support/items/${h.id}?openCase=1`}
                  state={{ customerId: h.owner?.id ?? null }}
                >
                  {t('support.openCase')}
                </Link>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}

const ENTITIES = [
  'Item',
  'Parcel',
  'Pickup',
  'TradeInItem',
  'TradeInOrder',
  'SupportCase',
  'Inspection',
  'VehiclePaperworkTask',
  'RecyclingLot',
  'Listing',
  'RefurbishmentOrder',
  'Erasure',
  'SaleOrder',
  'CalibrationTask',
] as const;
const MATCHES = [
  'orderNumber',
  'orderId',
  'itemId',
  'phone',
  'traceCode',
  'serialNumber',
  'imei',
  'vin',
  'email',
  'phoneEnding',
  'name',
  'traceCodeStart',
  'imeiStart',
] as const;

/** `Inspection.complete` as words: 质检：完成 / Inspection: complete. */
function eventLabel(type: string): string {
  const [entity, action] = type.split('.', 2);
  const known = ENTITIES.find((e) => e === entity);
  if (!known || !action) return type;
  return i18n.t('support.event', {
    entity: i18n.t(`support.entities.${known}`),
    action: actionLabel(action),
  });
}

const matchLabel = (m: string) => {
  const known = MATCHES.find((k) => k === m);
  return known ? i18n.t(`support.matches.${known}`) : m;
};

type TimelineEvent = Answer<'get', '/items/{id}/timeline'>['events'][number];

export function Timeline({ events }: { events: TimelineEvent[] }) {
  const { t } = useTranslation();
  if (events.length === 0) return <p className="muted">{t('support.noEvents')}</p>;
  return (
    <ol className="timeline" aria-label={t('support.timeline')}>
      {events.map((e) => (
        <li key={`${e.seq}-${e.type}`}>
          <time>{formatTime(e.at)}</time> <b title={e.type}>{eventLabel(e.type)}</b>{' '}
          {e.toState && (
            <span className="muted">
              {e.fromState ? stateLabel(e.fromState) : '∅'} → {stateLabel(e.toState)}
            </span>
          )}{' '}
          · {roleLabel(e.actor.role)}
          {e.organisation && ` (${e.organisation.name})`}
          {e.custodian &&
            ` · ${t('support.heldBy', { who: 'name' in e.custodian ? e.custodian.name : e.custodian.kind })}`}
        </li>
      ))}
    </ol>
  );
}

export function SupportItemScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const timeline = useLoad(
    (signal) => api.get('/items/{id}/timeline', { path: { id }, signal }),
    [id],
  );
  const cases = useLoad(
    (signal) => api.get('/support/cases', { query: { itemId: id }, signal }),
    [id],
  );
  const [params, setParams] = useSearchParams();
  const opening = params.get('openCase') === '1';
  const customerId = (useLocation().state as { customerId?: string | null } | null)?.customerId;
  return (
    <section>
      <p>
        <Link to="/console/support">← {t('screens.search')}</Link>
      </p>
      <h1>{t('support.itemTitle', { code: timeline.data?.traceCode ?? '' })}</h1>
      <div className="columns">
        <div>
          <h2>{t('support.timeline')}</h2>
          <ErrorNotice error={timeline.error} onRetry={timeline.reload} />
          {timeline.loading && !timeline.data ? (
            <Loading />
          ) : (
            <Timeline events={timeline.data?.events ?? []} />
          )}
          {timeline.data && (
            <p>
              <a href={`/t/${timeline.data.traceCode}`} target="_blank" rel="noreferrer">
                {t('support.passport')}
              </a>
            </p>
          )}
        </div>
        <div>
          <h2>{t('screens.cases')}</h2>
          {opening ? (
            <OpenCaseForm
              itemId={id}
              customerId={customerId ?? null}
              cancel={() => setParams({})}
            />
          ) : (
            <p>
              <button type="button" onClick={() => setParams({ openCase: '1' })}>
                {t('support.openCase')}
              </button>
            </p>
          )}
          <ErrorNotice error={cases.error} onRetry={cases.reload} />
          <CaseList cases={cases.data?.items ?? []} />
        </div>
      </div>
    </section>
  );
}

/** The kinds a person opens by hand (the others are opened by the platform itself). */
const OPENED_BY_HAND = [
  'general',
  'price-dispute',
  'late-pickup',
  'buyer-return-dispute',
  'fraud-review',
  'payment-failure',
] as const;

const caseKindLabel = (kind: string) => i18n.t(`support.kinds.${kind}`, { defaultValue: kind });

/** Support opens a case about the item from its search result or timeline, for its owner. */
function OpenCaseForm({
  itemId,
  customerId,
  cancel,
}: {
  itemId: string;
  customerId: string | null;
  cancel(): void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const form = useForm({ kind: 'general', summary: '' });
  return (
    <form
      className="card"
      aria-label={t('support.openCase')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/support/cases', {
            body: {
              kind: chosen('kind', OPENED_BY_HAND, v.kind),
              summary: v.summary.trim(),
              itemIds: [itemId],
              ...(customerId ? { customerId } : {}),
            },
            key,
          }),
        (created) => void navigate(`/console/support/cases/${created.id}`),
      )}
    >
      <Field
        form={form}
        name="kind"
        label={t('support.col.kind')}
        options={OPENED_BY_HAND.map((k) => ({ value: k, label: caseKindLabel(k) }))}
      />
      <Field
        form={form}
        name="summary"
        label={t('support.summary')}
        hint={t('support.summaryHint')}
        multiline
        required
        autoFocus
      />
      <FormFooter
        form={form}
        label={t('support.openCase')}
        busyLabel={t('common.saving')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

function SlaState({ c }: { c: SupportCase }) {
  const { t } = useTranslation();
  if (c.resolvedAt)
    return (
      <span className={c.breached ? 'bad' : 'ok'}>
        {c.breached ? t('support.sla.late') : t('support.sla.met')}
      </span>
    );
  if (c.breached) {
    return (
      <span className="bad">{t('support.sla.breached', { time: formatTime(c.slaDueAt) })}</span>
    );
  }
  return <span>{t('support.sla.due', { time: formatTime(c.slaDueAt) })}</span>;
}

function CaseList({ cases }: { cases: SupportCase[] }) {
  const { t } = useTranslation();
  return (
    <Table
      caption={t('support.casesCaption')}
      empty={t('support.noCases')}
      rows={cases}
      rowKey={(c) => c.id}
      columns={[
        {
          header: t('screens.case'),
          cell: (c) => <Link to={`/console/support/cases/${c.id}`}>{c.summary}</Link>,
        },
        { header: t('support.col.kind'), cell: (c) => caseKindLabel(c.kind) },
        { header: t('common.state'), cell: (c) => <StateBadge state={c.state} /> },
        { header: t('support.col.sla'), cell: (c) => <SlaState c={c} /> },
      ]}
    />
  );
}

export function SupportCasesScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState('OPEN');
  const [breached, setBreached] = useState('');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/support/cases', {
        query: {
          state: oneOf(CASE_STATES, state),
          breached: breached === '' ? undefined : breached === 'true',
          limit: 100,
          cursor,
        },
        signal,
      }),
    [state, breached],
  );
  return (
    <section>
      <h1>{t('screens.cases')}</h1>
      <label className="inline">
        {t('common.state')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value)}>
          {['', ...CASE_STATES].map((s) => (
            <option key={s} value={s}>
              {s ? stateLabel(s) : t('common.all')}
            </option>
          ))}
        </select>
      </label>{' '}
      <label className="inline">
        {t('support.col.sla')}{' '}
        <select value={breached} onChange={(e) => setBreached(e.target.value)}>
          <option value="">{t('common.any')}</option>
          <option value="true">{t('support.sla.breachedFilter')}</option>
          <option value="false">{t('support.sla.within')}</option>
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : <CaseList cases={list.data?.items ?? []} />}
      <LoadMore list={list} />
    </section>
  );
}

export function SupportCaseScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const me = useMe();
  const c = useLoad((signal) => api.get('/support/cases/{id}', { path: { id }, signal }), [id]);
  const note = useForm({ body: '' });
  const data = c.data;
  return (
    <section>
      <p>
        <Link to="/console/support/cases">← {t('screens.cases')}</Link>
      </p>
      <ErrorNotice error={c.error} onRetry={c.reload} />
      {c.loading && !data && <Loading />}
      {data && (
        <>
          <h1>{data.summary}</h1>
          <p>
            <StateBadge state={data.state} /> {data.kind} ·{' '}
            {t('support.openedBy', { time: formatTime(data.createdAt), origin: data.origin })} ·{' '}
            {t('support.col.sla')} <SlaState c={data} />
          </p>
          <p>
            {t('support.items')}{' '}
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
                label: t('support.take'),
                run: (key) =>
                  api.post('/support/cases/{id}/assign', {
                    path: { id },
                    body: { version: data.version, assigneeId: me.id },
                    key,
                  }),
              },
              resolve: {
                label: t('support.resolve'),
                form: (done, cancel) => (
                  <ResolveForm id={id} version={data.version} done={done} cancel={cancel} />
                ),
              },
              close: {
                label: t('support.close'),
                confirm: t('support.confirmClose'),
                run: (key) =>
                  api.post('/support/cases/{id}/close', {
                    path: { id },
                    body: { version: data.version },
                    key,
                  }),
              },
              reopen: {
                label: t('support.reopen'),
                run: (key) =>
                  api.post('/support/cases/{id}/reopen', {
                    path: { id },
                    body: { version: data.version },
                    key,
                  }),
              },
            }}
          />
          {data.resolution && <p>{t('support.resolutionIs', { text: data.resolution })}</p>}
          <AttachedPhotos
            title={t('photos.title')}
            purpose="case"
            photos={(data.photos ?? []).map((p) => p.id)}
            attachTo={{ path: '/support/cases/{id}/photos', id }}
            open={data.state !== 'CLOSED'}
            onChange={c.reload}
          />
          <h2>{t('common.notes')}</h2>
          <ol className="notes">
            {(data.notes ?? []).map((n) => (
              <li key={n.id}>
                <small className="muted">
                  {formatTime(n.createdAt)} · {roleLabel(n.authorRole)} ·{' '}
                  {n.internal ? t('support.internal') : t('support.toCustomer')}
                </small>
                <p>{n.body}</p>
              </li>
            ))}
          </ol>
          <form
            aria-label={t('support.addNoteTitle')}
            noValidate
            onSubmit={note.submit(
              (v, key) =>
                api.post('/support/cases/{id}/notes', {
                  path: { id },
                  body: { body: v.body },
                  key,
                }),
              () => {
                note.reset();
                c.reload();
              },
            )}
          >
            <Field form={note} name="body" label={t('support.internalNote')} multiline required />
            <FormFooter form={note} label={t('support.addNote')} busyLabel={t('common.saving')} />
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
  const { t } = useTranslation();
  const form = useForm({ resolution: '' });
  return (
    <form
      className="card"
      aria-label={t('support.resolveTitle')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/support/cases/{id}/resolve', {
            path: { id },
            body: { version, resolution: v.resolution },
            key,
          }),
        done,
      )}
    >
      <Field form={form} name="resolution" label={t('support.resolution')} multiline required />
      <FormFooter
        form={form}
        label={t('support.resolve')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}
