import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import type { ReadDatabase } from '../../database/read-database.js';
import type { QueueService } from '../jobs/queue.service.js';
import { MetricsService } from './metrics.service.js';

describe('the Grafana dashboard (docker/grafana-dashboard.json)', () => {
  it('plots only metrics the platform exposes', () => {
    // Gauges are only read at scrape time, so nothing here touches the stand-ins.
    const metrics = new MetricsService({} as DataSource, {} as QueueService, {} as ReadDatabase);
    const names = new Set(metrics.registry.getMetricsAsArray().map((m) => m.name));
    const dashboard = JSON.parse(
      readFileSync(new URL('../../../docker/grafana-dashboard.json', import.meta.url), 'utf8'),
    ) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => [...t.expr.matchAll(/\breloop_\w+/g)].map((m) => m[0])),
    );
    expect(used.length).toBeGreaterThan(10);
    const unknown = used.filter(
      (n) => !names.has(n) && !names.has(n.replace(/_(bucket|count|sum)$/, '')),
    );
    expect(unknown).toEqual([]);
  });
});
