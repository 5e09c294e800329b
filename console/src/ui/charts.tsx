import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { Series } from './bar-chart.js';
import { Loading } from './feedback.js';

const LazyBar = lazy(() => import('./bar-chart.js'));

/** A titled bar chart with its numbers also given as a table for screen readers. */
export function BarPanel({
  title,
  labels,
  series,
  stacked,
}: {
  title: string;
  labels: string[];
  series: Series[];
  stacked?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {labels.length === 0 ? (
        <p className="muted">{t('common.noData')}</p>
      ) : (
        <div className="chart-box">
          <Suspense fallback={<Loading what={t('common.drawing')} />}>
            <LazyBar title={title} labels={labels} series={series} stacked={stacked} />
          </Suspense>
        </div>
      )}
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">—</th>
            {series.map((s) => (
              <th key={s.label} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td key={s.label}>{s.values[i]}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export type { Series };
