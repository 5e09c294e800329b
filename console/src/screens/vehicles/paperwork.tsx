import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, type Answer, type Query, type Row } from '../../api/client.js';
import { formatTime } from '../../api/types.js';
import { i18n } from '../../i18n/index.js';
import { stateLabel } from '../../i18n/labels.js';
import { ActionBar, StateBadge } from '../../ui/actions.js';
import { ErrorNotice, LoadMore, Loading } from '../../ui/feedback.js';
import { CancelButton, Field, FormFooter, useForm } from '../../ui/form.js';
import { useLoad, usePagedLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

type Task = Row<'/vehicle-paperwork'>;
type TaskState = NonNullable<Query<'get', '/vehicle-paperwork'>['state']>;

const STATES: TaskState[] = ['OPEN', 'BLOCKED', 'DONE'];

/** Where the list and the tasks are, for every role that has the screen. */
const LIST = '/console/vehicles/paperwork';

/**
 * The paperwork of sold cars (issue 22 point 5): the ownership transfer (过户), registration
 * (上牌) and insurance, one task each per sale. The list says which car, where each task stands
 * and what is still missing; a task opens with the actions the API allows this user: platform
 * staff record the transfer with the authority's document number and scan, the selling
 * merchant completes registration and insurance, and either blocks a task with a reason or
 * unblocks it. Buttons come from `allowedActions`, so nobody is offered what would be refused.
 */
export function VehiclePaperworkScreen() {
  const { t } = useTranslation();
  const [state, setState] = useState<TaskState | ''>('OPEN');
  const list = usePagedLoad(
    (cursor, signal) =>
      api.get('/vehicle-paperwork', {
        query: { state: state || undefined, limit: 100, cursor },
        signal,
      }),
    [state],
  );
  return (
    <section>
      <h1>{t('screens.paperwork')}</h1>
      <p className="muted">{t('paperwork.intro')}</p>
      <label className="inline">
        {t('common.show')}{' '}
        <select value={state} onChange={(e) => setState(e.target.value as TaskState | '')}>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s)}
            </option>
          ))}
          <option value="">{t('common.all')}</option>
        </select>
      </label>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('paperwork.listTitle')}
          empty={t('paperwork.none')}
          rows={list.items}
          rowKey={(task) => task.id}
          columns={[
            {
              header: t('paperwork.col.task'),
              cell: (task) => (
                <>
                  <Link to={`${LIST}/${task.id}`}>{kindLabel(task.kind)}</Link>
                  <br />
                  <StateBadge state={task.state} />
                  <br />
                  <small className="muted">{formatTime(task.createdAt)}</small>
                </>
              ),
            },
            { header: t('paperwork.col.car'), cell: (task) => <CarName task={task} /> },
            { header: t('paperwork.col.missing'), cell: (task) => <Missing task={task} /> },
          ]}
        />
      )}
      <LoadMore list={list} />
    </section>
  );
}

/** One task: the car, what is missing, what has been recorded, and the actions. */
export function VehiclePaperworkTaskScreen() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const task = useLoad(
    (signal) => api.get('/vehicle-paperwork/{id}', { path: { id }, signal }),
    [id],
  );
  const data = task.data;
  return (
    <section>
      <p>
        <Link to={LIST}>← {t('screens.paperwork')}</Link>
      </p>
      <ErrorNotice error={task.error} onRetry={task.reload} />
      {task.loading && !data && <Loading />}
      {data && (
        <>
          <h1>
            {kindLabel(data.kind)} <StateBadge state={data.state} />
          </h1>
          <p className="muted">
            {data.kind === 'ownership-transfer'
              ? t('paperwork.whoTransfer')
              : t('paperwork.whoMerchant')}
          </p>
          <dl className="facts" aria-label={t('paperwork.factsTitle')}>
            <dt>{t('paperwork.col.car')}</dt>
            <dd>
              {data.car?.model
                ? `${data.car.model.brand} ${data.car.model.name}`
                : t('paperwork.modelUnknown')}
            </dd>
            <dt>{t('paperwork.vin')}</dt>
            <dd>
              <code>{data.vin ?? '—'}</code>
            </dd>
            <dt>{t('paperwork.traceCode')}</dt>
            <dd>
              <code>{data.car?.traceCode ?? '—'}</code>
            </dd>
            <dt>{t('paperwork.col.missing')}</dt>
            <dd>
              <Missing task={data} />
            </dd>
            {data.documentNumber && (
              <>
                <dt>{t('paperwork.documentNumber')}</dt>
                <dd>
                  <code>{data.documentNumber}</code>
                </dd>
              </>
            )}
            {data.scanReference && (
              <>
                <dt>{t('paperwork.scanReference')}</dt>
                <dd>
                  <code>{data.scanReference}</code>
                </dd>
              </>
            )}
            {data.reference && data.kind !== 'ownership-transfer' && (
              <>
                <dt>{t('paperwork.reference')}</dt>
                <dd>
                  <code>{data.reference}</code>
                </dd>
              </>
            )}
            {data.doneAt && (
              <>
                <dt>{t('paperwork.doneAt')}</dt>
                <dd>{formatTime(data.doneAt)}</dd>
              </>
            )}
            <dt>{t('paperwork.saleOrder')}</dt>
            <dd>
              <code>{data.saleOrderId.slice(0, 8)}</code>
            </dd>
            <dt>{t('paperwork.col.opened')}</dt>
            <dd>{formatTime(data.createdAt)}</dd>
          </dl>
          <TaskActions task={data} onDone={task.reload} />
          {data.state !== 'DONE' && data.allowedActions.length === 0 && (
            <p className="muted">
              {data.kind === 'ownership-transfer'
                ? t('paperwork.nothingForYouTransfer')
                : t('paperwork.nothingForYou')}
            </p>
          )}
          <SameSale task={data} />
        </>
      )}
    </section>
  );
}

function TaskActions({
  task,
  onDone,
}: {
  task: Answer<'get', '/vehicle-paperwork/{id}'>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  return (
    <ActionBar
      resource={task}
      onDone={onDone}
      actions={{
        'record-transfer': {
          label: t('paperwork.recordTransfer'),
          form: (done, cancel) => <RecordTransferForm task={task} done={done} cancel={cancel} />,
        },
        complete: {
          label: t('paperwork.markDone'),
          form: (done, cancel) => <CompleteForm task={task} done={done} cancel={cancel} />,
        },
        block: {
          label: t('paperwork.block'),
          danger: true,
          form: (done, cancel) => <BlockForm task={task} done={done} cancel={cancel} />,
        },
        unblock: {
          label: t('paperwork.unblock'),
          run: (key) =>
            api.post('/vehicle-paperwork/{id}/unblock', {
              path: { id: task.id },
              body: { version: task.version },
              key,
            }),
        },
      }}
    />
  );
}

interface FormProps {
  task: Task;
  done: () => void;
  cancel: () => void;
}

/** The transfer as the registration authority issued it: its document number and the scan. */
function RecordTransferForm({ task, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({ documentNumber: '', scanReference: '' });
  return (
    <form
      className="card"
      aria-label={t('paperwork.recordTransfer')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/vehicle-paperwork/{id}/record-transfer', {
            path: { id: task.id },
            body: {
              version: task.version,
              documentNumber: v.documentNumber.trim(),
              scanReference: v.scanReference.trim(),
            },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="documentNumber"
        label={t('paperwork.documentNumber')}
        hint={t('paperwork.documentNumberHint')}
        required
        autoFocus
        autoComplete="off"
      />
      <Field
        form={form}
        name="scanReference"
        label={t('paperwork.scanReference')}
        hint={t('paperwork.scanReferenceHint')}
        required
        autoComplete="off"
      />
      <FormFooter
        form={form}
        label={t('paperwork.recordTransfer')}
        confirm={t('paperwork.confirmTransfer')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

/** Registration or insurance done by the merchant, with the new certificate or policy number. */
function CompleteForm({ task, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({ reference: '' });
  return (
    <form
      className="card"
      aria-label={t('paperwork.completeTask')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/vehicle-paperwork/{id}/complete', {
            path: { id: task.id },
            body: { version: task.version, reference: v.reference.trim() || undefined },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="reference"
        label={t('paperwork.reference')}
        hint={t(`paperwork.needs.${task.kind}`)}
        autoFocus
        autoComplete="off"
      />
      <FormFooter
        form={form}
        label={t('paperwork.markDone')}
        confirm={t('paperwork.confirmDone')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

/** Stopped for a reason someone else must fix (a document missing, the registry closed). */
function BlockForm({ task, done, cancel }: FormProps) {
  const { t } = useTranslation();
  const form = useForm({ reason: '' });
  return (
    <form
      className="card"
      aria-label={t('paperwork.blockTask')}
      noValidate
      onSubmit={form.submit(
        (v, key) =>
          api.post('/vehicle-paperwork/{id}/block', {
            path: { id: task.id },
            body: { version: task.version, reason: v.reason.trim() },
            key,
          }),
        done,
      )}
    >
      <Field
        form={form}
        name="reason"
        label={t('paperwork.why')}
        hint={t('paperwork.whyHint')}
        required
        multiline
        autoFocus
      />
      <FormFooter
        form={form}
        label={t('paperwork.block')}
        extra={<CancelButton onClick={cancel} />}
      />
    </form>
  );
}

/** The sale's other tasks, so whoever opens one sees how far the whole sale is. */
function SameSale({ task }: { task: Task }) {
  const { t } = useTranslation();
  const others = useLoad(
    (signal) =>
      api.get('/vehicle-paperwork', {
        query: { saleOrderId: task.saleOrderId, limit: 10 },
        signal,
      }),
    [task.saleOrderId, task.version],
  );
  const rows = (others.data?.items ?? []).filter((o) => o.id !== task.id);
  if (!others.data || rows.length === 0) return null;
  return (
    <section aria-labelledby="same-sale">
      <h2 id="same-sale">{t('paperwork.sameSale')}</h2>
      <ul>
        {rows.map((o) => (
          <li key={o.id}>
            <Link to={`${LIST}/${o.id}`}>{kindLabel(o.kind)}</Link> <StateBadge state={o.state} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function CarName({ task }: { task: Task }) {
  const { t } = useTranslation();
  return (
    <>
      <strong>
        {task.car?.model
          ? `${task.car.model.brand} ${task.car.model.name}`
          : t('paperwork.modelUnknown')}
      </strong>
      <br />
      {t('paperwork.vin')} <code>{task.vin ?? '—'}</code>
      {task.car && (
        <>
          <br />
          {t('paperwork.traceCode')} <code>{task.car.traceCode}</code>
        </>
      )}
    </>
  );
}

/** What the task still needs, in plain words: nothing once done; the reason while blocked. */
function Missing({ task }: { task: Task }) {
  const { t } = useTranslation();
  if (task.state === 'DONE') return <span className="ok">{t('paperwork.nothingMissing')}</span>;
  return (
    <>
      {t(`paperwork.needs.${task.kind}`)}
      {task.state === 'BLOCKED' && task.blockedReason && (
        <>
          <br />
          <span className="bad">{t('paperwork.blocked', { reason: task.blockedReason })}</span>
        </>
      )}
    </>
  );
}

function kindLabel(kind: Task['kind']): string {
  return i18n.t(`paperwork.kinds.${kind}`);
}
