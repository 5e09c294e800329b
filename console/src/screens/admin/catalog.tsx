import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Row, type Schema } from '../../api/client.js';
import { formatDay, formatMoney, formatTime } from '../../api/types.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

/** A category as GET /categories lists it (`view: 'flat'`). */
export type CategoryNode = Schema<'CategoryView'>;
/** With `view: 'tree'` (the default) the roots, each with its children. */
type TreeNode = Schema<'CategoryTreeNode'>;

function CategoryTree({ nodes }: { nodes: ReadonlyArray<CategoryNode | TreeNode> }) {
  const { t } = useTranslation();
  return (
    <ul className="tree">
      {nodes.map((n) =>
        n.leaf ? (
          <li key={n.id}>
            {n.name} <span className="muted">{n.nameZh}</span>{' '}
            {n.standardCode && (
              <span className="tag">{t('catalog.standard', { code: n.standardCode })}</span>
            )}{' '}
            {n.requiresErasure && <span className="tag warn">{t('catalog.erasure')}</span>}{' '}
            {n.identifier && n.identifier !== 'none' && <span className="tag">{n.identifier}</span>}
          </li>
        ) : (
          <li key={n.id}>
            <details open={n.level === 1}>
              <summary>
                {n.name} <span className="muted">{n.nameZh}</span>
              </summary>
              <CategoryTree nodes={'children' in n ? n.children : []} />
            </details>
          </li>
        ),
      )}
    </ul>
  );
}

export function CatalogScreen() {
  const { t } = useTranslation();
  const tree = useLoad((signal) => api.get('/categories', { query: { view: 'tree' }, signal }), []);
  const [q, setQ] = useState('');
  const models = useLoad(
    (signal) => api.get('/product-models', { query: { q, limit: 50 }, signal }),
    [q],
  );
  return (
    <section>
      <h1>{t('screens.catalog')}</h1>
      <div className="columns">
        <div>
          <h2>{t('catalog.categories')}</h2>
          <ErrorNotice error={tree.error} onRetry={tree.reload} />
          {tree.loading && !tree.data ? (
            <Loading />
          ) : (
            <CategoryTree nodes={tree.data?.items ?? []} />
          )}
        </div>
        <div>
          <h2>{t('catalog.models')}</h2>
          <label className="inline">
            {t('catalog.searchModels')}{' '}
            <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          </label>
          <ErrorNotice error={models.error} onRetry={models.reload} />
          {models.loading && !models.data ? (
            <Loading />
          ) : (
            <Table
              caption={t('catalog.models')}
              rows={models.data?.items ?? []}
              rowKey={(m) => m.id}
              columns={[
                { header: t('catalog.brand'), cell: (m) => m.brand },
                { header: t('passport.model'), cell: (m) => m.model },
                { header: t('catalog.launched'), cell: (m) => formatDay(m.launchDate) },
                {
                  header: t('catalog.launchPrice'),
                  cell: (m) => formatMoney(m.launchPrice),
                  className: 'num',
                },
              ]}
            />
          )}
        </div>
      </div>
    </section>
  );
}

export type GradingStandard = Row<'/grading-standards'>;
/** One check of a standard: what it asks depends on its kind. */
export type StandardCheck = GradingStandard['definition']['checks'][number];

export function StandardsScreen() {
  const { t } = useTranslation();
  const list = useLoad((signal) => api.get('/grading-standards', { signal }), []);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section>
      <h1>{t('catalog.standardsTitle')}</h1>
      <p className="muted">{t('catalog.standardsIntro')}</p>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading />
      ) : (
        <Table
          caption={t('catalog.standardsTitle')}
          rows={list.data?.items ?? []}
          rowKey={(s) => s.id}
          columns={[
            {
              header: t('catalog.standardCol'),
              cell: (s) => (
                <button
                  type="button"
                  className="link"
                  onClick={() => setOpen(open === s.id ? null : s.id)}
                >
                  {s.name}
                </button>
              ),
            },
            { header: t('catalog.code'), cell: (s) => s.code },
            { header: t('catalog.version'), cell: (s) => `v${s.version}`, className: 'num' },
            {
              header: t('catalog.checks'),
              cell: (s) => s.definition.checks?.length ?? 0,
              className: 'num',
            },
            { header: t('listings.col.published'), cell: (s) => formatTime(s.createdAt) },
          ]}
        />
      )}
      {open &&
        list.data?.items
          .filter((s) => s.id === open)
          .map((s) => (
            <div className="card" key={s.id}>
              <h2>
                {s.name} v{s.version}
              </h2>
              <p>{s.definition.description}</p>
              <ol>
                {(s.definition.checks ?? []).map((c) => (
                  <li key={c.id}>
                    <b>{c.label}</b> <span className="tag">{t(`catalog.kinds.${c.kind}`)}</span>{' '}
                    {c.required && <span className="tag">{t('common.required')}</span>}
                    <br />
                    <small className="muted">{c.help}</small>
                  </li>
                ))}
              </ol>
            </div>
          ))}
    </section>
  );
}
