import { api } from '../../api/client.js';
import { BarPanel } from '../../ui/charts.js';
import { ErrorNotice, Loading } from '../../ui/feedback.js';
import { useLoad } from '../../ui/hooks.js';
import { Table } from '../../ui/table.js';

interface Agreement {
  n: number;
  agreements: number;
  observedAgreement: number | null;
  kappa: number | null;
}

interface CalibrationReport {
  rate: number;
  openTasks: number;
  overall: Agreement;
  byGrader: Array<Agreement & { graderId: string }>;
  byCategory: Array<Agreement & { categoryCode: string }>;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(0)} %`);
const kappa = (v: number | null) => (v === null ? '—' : v.toFixed(2));

/** How often two graders agree on the same item (blind re-grades), and Cohen's kappa. */
export function CalibrationScreen() {
  const report = useLoad(
    (signal) => api.get<CalibrationReport>('/grading/calibration', {}, signal),
    [],
  );
  const r = report.data;
  return (
    <section>
      <h1>Grader calibration</h1>
      <ErrorNotice error={report.error} onRetry={report.reload} />
      {report.loading && !r && <Loading />}
      {r && (
        <>
          <dl className="facts" aria-label="Overall agreement">
            <dt>Double-graded items</dt>
            <dd>{r.overall.n}</dd>
            <dt>Agreement</dt>
            <dd>{pct(r.overall.observedAgreement)}</dd>
            <dt>Cohen&apos;s kappa</dt>
            <dd>{kappa(r.overall.kappa)}</dd>
            <dt>Sampling rate</dt>
            <dd>
              {pct(r.rate)} of graded items get a blind re-grade · {r.openTasks} open tasks
            </dd>
          </dl>
          <div className="columns">
            <BarPanel
              title="Agreement per category (%)"
              labels={r.byCategory.map((c) => c.categoryCode)}
              series={[
                {
                  label: 'Agreement',
                  color: '#2f6f4f',
                  values: r.byCategory.map((c) => Math.round((c.observedAgreement ?? 0) * 100)),
                },
              ]}
            />
            <BarPanel
              title="Agreement per grader (%)"
              labels={r.byGrader.map((g) => g.graderId.slice(0, 8))}
              series={[
                {
                  label: 'Agreement',
                  color: '#7a6fb0',
                  values: r.byGrader.map((g) => Math.round((g.observedAgreement ?? 0) * 100)),
                },
              ]}
            />
          </div>
          <Table
            caption="Per grader"
            empty="No blind re-grades completed yet."
            rows={r.byGrader}
            rowKey={(g) => g.graderId}
            columns={[
              { header: 'Grader', cell: (g) => <code>{g.graderId.slice(0, 8)}</code> },
              { header: 'Pairs', cell: (g) => g.n, className: 'num' },
              { header: 'Agreement', cell: (g) => pct(g.observedAgreement), className: 'num' },
              { header: 'Kappa', cell: (g) => kappa(g.kappa), className: 'num' },
            ]}
          />
        </>
      )}
    </section>
  );
}
