import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.js';
import { i18n } from '../../i18n/index.js';
import { numberText } from '../../i18n/format.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

const pct = (v: number | null) => (v === null ? '—' : `${numberText(v * 100, i18n.language, 0)}%`);
const kappa = (v: number | null) => (v === null ? '—' : numberText(v, i18n.language, 2));

/** How often two graders agree on the same item (blind re-grades), and Cohen's kappa. */
export function CalibrationScreen() {
  const { t } = useTranslation();
  const report = useLoad((signal) => api.get('/grading/calibration', { signal }), []);
  const r = report.data;
  return (
    <section>
      <h1>{t('calibration.title')}</h1>
      <ErrorNotice error={report.error} onRetry={report.reload} />
      {report.loading && !r && <Loading />}
      {r && (
        <>
          <dl className="facts" aria-label={t('calibration.overall')}>
            <dt>{t('calibration.doubleGraded')}</dt>
            <dd>{r.overall.n}</dd>
            <dt>{t('calibration.agreement')}</dt>
            <dd>{pct(r.overall.observedAgreement)}</dd>
            <dt>{t('calibration.kappa')}</dt>
            <dd>{kappa(r.overall.kappa)}</dd>
            <dt>{t('calibration.rate')}</dt>
            <dd>{t('calibration.rateValue', { rate: pct(r.rate), open: r.openTasks })}</dd>
          </dl>
          <div className="columns">
            <BarPanel
              title={t('calibration.perCategory')}
              labels={r.byCategory.map((c) => c.categoryCode)}
              series={[
                {
                  label: t('calibration.agreement'),
                  color: '#2f6f4f',
                  values: r.byCategory.map((c) => Math.round((c.observedAgreement ?? 0) * 100)),
                },
              ]}
            />
            <BarPanel
              title={t('calibration.perGrader')}
              labels={r.byGrader.map((g) => g.graderId.slice(0, 8))}
              series={[
                {
                  label: t('calibration.agreement'),
                  color: '#7a6fb0',
                  values: r.byGrader.map((g) => Math.round((g.observedAgreement ?? 0) * 100)),
                },
              ]}
            />
          </div>
          <Table
            caption={t('calibration.perGraderCaption')}
            empty={t('calibration.none')}
            rows={r.byGrader}
            rowKey={(g) => g.graderId}
            columns={[
              {
                header: t('calibration.grader'),
                cell: (g) => <code>{g.graderId.slice(0, 8)}</code>,
              },
              { header: t('calibration.pairs'), cell: (g) => g.n, className: 'num' },
              {
                header: t('calibration.agreement'),
                cell: (g) => pct(g.observedAgreement),
                className: 'num',
              },
              {
                header: t('calibration.kappaShort'),
                cell: (g) => kappa(g.kappa),
                className: 'num',
              },
            ]}
          />
        </>
      )}
    </section>
  );
}
