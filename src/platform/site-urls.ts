import type { AppConfig } from '../config/app-config.js';

/** Where a person finds Reloop's pages on the process that serves them. */
export interface SiteUrls {
  console: string;
  market: string;
  apiDocs: string;
  queueDashboard: string;
}

/**
 * The addresses of the pages this process serves, for the start-up message and the demo seed:
 * a wildcard bind address (0.0.0.0, ::) is shown as localhost, which a browser on this machine
 * opens.
 */
export function siteUrls(config: Pick<AppConfig, 'host' | 'port'>): SiteUrls {
  const host = ['0.0.0.0', '::', ''].includes(config.host)
    ? 'localhost'
    : config.host.includes(':')
      ? `[${config.host}]`
      : config.host;
  const base = `http://${host}:${config.port}`;
  return {
    console: `${base}/console/`,
    market: `${base}/market`,
    apiDocs: `${base}/api/docs`,
    queueDashboard: `${base}/admin/queues`,
  };
}

/** The lines `npm start` prints once the API listens. */
export function startupLines(
  config: Pick<AppConfig, 'host' | 'port' | 'mode'>,
  opsPort: string,
): string[] {
  const urls = siteUrls(config);
  return [
    `Reloop ${config.mode} is ready:`,
    `  console          ${urls.console}`,
    `  market           ${urls.market}`,
    `  API docs         ${urls.apiDocs}`,
    `  queue dashboard  ${urls.queueDashboard} (admins)`,
    `  metrics, health  ${opsPort}`,
  ];
}
