import { BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';

Chart.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);

export interface Series {
  label: string;
  values: number[];
  color: string;
  /** Drawn as a line-like outline (e.g. capacity against load). */
  outline?: boolean;
}

/** Loaded on demand (see charts.tsx) so that chart.js stays out of the first download. */
export default function BarChart({
  labels,
  series,
  title,
  stacked = false,
}: {
  labels: string[];
  series: Series[];
  title: string;
  stacked?: boolean;
}) {
  return (
    <Bar
      aria-label={title}
      role="img"
      data={{
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values,
          backgroundColor: s.outline ? 'transparent' : s.color,
          borderColor: s.color,
          borderWidth: s.outline ? 2 : 0,
          grouped: !s.outline,
        })),
      }}
      options={{
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom' }, title: { display: false, text: title } },
        scales: {
          x: { stacked },
          y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
        },
      }}
    />
  );
}
