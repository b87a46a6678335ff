/**
 * The Prometheus address canary analysis queries, and the server the prometheus component
 * installs, must be the same thing. The loader refuses addresses the component cannot serve.
 */

/** The in-cluster Service behind a Prometheus address: `http://<service>.<namespace>[.svc[.cluster.local]][:port]`. */
export interface PrometheusService {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
}

/**
 * Reads the Service from an address; `undefined` when the address is not one the component can
 * serve (not http, a path, no namespace part, more than `.svc.cluster.local` after it).
 */
export function prometheusService(address: string): PrometheusService {
  const service = parsePrometheusService(address);
  if (!service) throw new Error(`not an in-cluster Prometheus address: ${address}`);
  return service;
}

export function parsePrometheusService(address: string): PrometheusService | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.username) return undefined;
  const [name, namespace, ...rest] = url.hostname.split('.');
  const suffix = rest.join('.');
  if (!name || !namespace || !['', 'svc', 'svc.cluster.local'].includes(suffix)) return undefined;
  return { name, namespace, port: url.port ? Number(url.port) : 80 };
}

/** Seconds of a Prometheus-style duration (`10s`, `1m`, `2h`). */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as 's' | 'm' | 'h'];
}

/** The shortest duration as Prometheus writes it (`90s` → `90s`, `60s` → `1m`). */
export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The prometheus chart's `server.global` scrape settings (29.27.0 values.yaml), which are
 * Prometheus' own defaults too; values that repeat them are left out.
 */
const CHART_SCRAPE = { interval: '1m', timeout: '10s' } as const;

/**
 * `server.global` for scraping every `interval`, only what differs from the chart's. Prometheus
 * refuses a configuration whose scrape_timeout is longer than its scrape_interval ("scrape
 * timeout greater than scrape interval", prometheus config/config.go, v3.x): with an interval
 * under the chart's 10s timeout, the timeout comes down with it.
 */
export function scrapeGlobal(interval: string): { scrape_interval?: string; scrape_timeout?: string } {
  const seconds = durationSeconds(interval);
  return {
    ...(seconds !== durationSeconds(CHART_SCRAPE.interval) ? { scrape_interval: formatDuration(seconds) } : {}),
    ...(seconds < durationSeconds(CHART_SCRAPE.timeout) ? { scrape_timeout: formatDuration(seconds) } : {}),
  };
}
