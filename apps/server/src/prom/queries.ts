/**
 * PromQL for one graph request: three queries whatever the number of namespaces. Each selects
 * the namespaces with one regex matcher, on the destination side `or` the source side, so traffic
 * entering and leaving the namespaces is covered and duplicates collapse.
 */

const PEER_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_app',
  'source_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_workload',
  'destination_workload_namespace',
  'destination_app',
  'destination_version',
];

export const REQUEST_LABELS = [
  ...PEER_LABELS,
  'request_protocol',
  'response_code',
  'response_flags',
  'connection_security_policy',
];
export const TCP_LABELS = [...PEER_LABELS, 'connection_security_policy'];

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `a|b|c`, quoted for a PromQL string. */
export function namespaceRegex(namespaces: string[]): string {
  return JSON.stringify(namespaces.map(escapeRegex).join('|'));
}

/** `rate(metric{dst ns}[w]) or rate(metric{src ns}[w])`, optionally dropping zero rates. */
function scopedRate(metric: string, namespaces: string[], window: string, dropZero: boolean): string {
  const re = namespaceRegex(namespaces);
  const gt = dropZero ? ' > 0' : '';
  return `(rate(${metric}{destination_service_namespace=~${re}}[${window}])${gt} or rate(${metric}{source_workload_namespace=~${re}}[${window}])${gt})`;
}

export const windowString = (seconds: number): string => `${Math.max(1, Math.round(seconds))}s`;

/** (a) requests per second by peers, protocol, code, Envoy flags and mTLS policy. */
export function requestsQuery(namespaces: string[], windowSeconds: number): string {
  return `sum by (${REQUEST_LABELS.join(',')}) ${scopedRate('istio_requests_total', namespaces, windowString(windowSeconds), true)}`;
}

export const QUANTILES = [0.5, 0.95, 0.99] as const;

/** (b) p50/p95/p99 per peer combination, in one query: the `quantile` label tells them apart. */
export function latencyQuery(namespaces: string[], windowSeconds: number): string {
  const buckets = `sum by (le,${PEER_LABELS.join(',')}) ${scopedRate('istio_request_duration_milliseconds_bucket', namespaces, windowString(windowSeconds), false)}`;
  return QUANTILES.map(
    (q) => `label_replace(histogram_quantile(${q}, ${buckets}), "quantile", "${q}", "", "")`,
  ).join(' or ');
}

/** (c) TCP bytes both ways and connections opened, in one query: the `direction` label tells them apart. */
export function tcpQuery(namespaces: string[], windowSeconds: number): string {
  const w = windowString(windowSeconds);
  const part = (metric: string, direction: string): string =>
    `label_replace(sum by (${TCP_LABELS.join(',')}) ${scopedRate(metric, namespaces, w, true)}, "direction", "${direction}", "", "")`;
  return [
    part('istio_tcp_sent_bytes_total', 'sent'),
    part('istio_tcp_received_bytes_total', 'received'),
    part('istio_tcp_connections_opened_total', 'opened'),
  ].join(' or ');
}
