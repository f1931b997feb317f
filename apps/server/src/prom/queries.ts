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
  'grpc_response_status',
  'connection_security_policy',
];
export const TCP_LABELS = [...PEER_LABELS, 'response_flags', 'connection_security_policy'];

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `a|b|c`, quoted for a PromQL string. */
export function namespaceRegex(namespaces: string[]): string {
  return JSON.stringify(namespaces.map(escapeRegex).join('|'));
}

/**
 * `agg(dst side) or agg(src side)`. The `or` sits outside the aggregation on purpose: both
 * sides group by labels naming both namespaces, so a key found on both sides carries the same
 * value, and `or` then hashes a few aggregated series instead of every raw one (PERFORMANCE:
 * measured several times cheaper on the scale mesh).
 */
function scoped(namespaces: string[], agg: (selector: string) => string): string {
  const re = namespaceRegex(namespaces);
  return `(${agg(`destination_service_namespace=~${re}`)} or ${agg(`source_workload_namespace=~${re}`)})`;
}

export const windowString = (seconds: number): string => `${Math.max(1, Math.round(seconds))}s`;

/** (a) requests per second by peers, protocol, code, Envoy flags and mTLS policy. */
export function requestsQuery(namespaces: string[], windowSeconds: number): string {
  const w = windowString(windowSeconds);
  return scoped(
    namespaces,
    (sel) => `sum by (${REQUEST_LABELS.join(',')}) (rate(istio_requests_total{${sel}}[${w}]) > 0)`,
  );
}

/**
 * Workload-level peers and the reporter only (PERFORMANCE: half the labels to ship and key); the
 * graph joins these series to the request series of the same peers, which carry apps and versions.
 */
export const LATENCY_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'destination_service_name',
  'destination_service_namespace',
  'destination_workload',
  'destination_workload_namespace',
];

/**
 * (b) Response-time buckets per peer combination and reporter: the caller's proxy measures what
 * the caller waited (an injected delay, a timeout), the destination's serves callers without a
 * sidecar; mesh/telemetry.ts picks one per caller. The server computes p50/p95/p99 from the
 * buckets (prom/histogram.ts): one query instead of one `histogram_quantile` per quantile, each
 * of which would read every bucket series again.
 */
export function latencyQuery(namespaces: string[], windowSeconds: number): string {
  const w = windowString(windowSeconds);
  return scoped(
    namespaces,
    (sel) =>
      `sum by (le,${LATENCY_LABELS.join(',')}) (rate(istio_request_duration_milliseconds_bucket{${sel}}[${w}]))`,
  );
}

/** (c) TCP bytes both ways and connections opened, in one query: the `direction` label tells them apart. */
export function tcpQuery(namespaces: string[], windowSeconds: number): string {
  const w = windowString(windowSeconds);
  const part = (metric: string, direction: string): string =>
    `label_replace(${scoped(namespaces, (sel) => `sum by (${TCP_LABELS.join(',')}) (rate(${metric}{${sel}}[${w}]) > 0)`)}, "direction", "${direction}", "", "")`;
  return [
    part('istio_tcp_sent_bytes_total', 'sent'),
    part('istio_tcp_received_bytes_total', 'received'),
    part('istio_tcp_connections_opened_total', 'opened'),
  ].join(' or ');
}
