import { stringify } from 'yaml';

/**
 * Prometheus config scraping each URL under the job `kubernetes-pods`, with `honor_labels: true`
 * like Istio's samples/addons/prometheus.yaml, so exported `namespace`/`pod` labels are kept.
 */
export function renderPrometheusConfig(scrapeUrls: string[], intervalSeconds: number): string {
  const staticConfigs = scrapeUrls.map((raw) => {
    const url = new URL(raw);
    return {
      targets: [url.host],
      labels: { __metrics_path__: url.pathname || '/metrics', __scheme__: url.protocol.replace(':', '') },
    };
  });
  return stringify({
    global: { scrape_interval: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` },
    scrape_configs: [
      {
        job_name: 'kubernetes-pods',
        honor_labels: true,
        scrape_interval: `${intervalSeconds}s`,
        scrape_timeout: `${intervalSeconds}s`,
        tls_config: { insecure_skip_verify: true },
        static_configs: staticConfigs,
      },
    ],
  });
}
