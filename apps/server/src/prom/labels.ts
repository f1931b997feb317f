import type {
  DestinationPeer,
  LatencySample,
  Reporter,
  RequestSample,
  SourcePeer,
  TcpSample,
  Telemetry,
  TrafficProtocol,
} from '../mesh/types';

/** Istio writes `unknown` for labels it could not fill; the graph wants them absent. */
const known = (v: string | undefined): string | undefined =>
  v === undefined || v === '' || v === 'unknown' ? undefined : v;

export const reporterOf = (l: Record<string, string>): Reporter =>
  l.reporter === 'source' ? 'source' : 'destination';

export function sourceOf(l: Record<string, string>): SourcePeer {
  return {
    workload: known(l.source_workload) ?? 'unknown',
    namespace: known(l.source_workload_namespace) ?? 'unknown',
    app: known(l.source_app) ?? known(l.source_canonical_service),
    version: known(l.source_version) ?? known(l.source_canonical_revision),
  };
}

export function destinationOf(l: Record<string, string>): DestinationPeer {
  const fqdn = known(l.destination_service);
  // destination_service_name is the short name; fall back to the FQDN's first label.
  const service =
    known(l.destination_service_name) ??
    (fqdn?.endsWith('.svc.cluster.local') ? fqdn.split('.')[0] : fqdn) ??
    'unknown';
  const workloadNamespace = known(l.destination_workload_namespace) ?? 'unknown';
  return {
    service,
    serviceNamespace: known(l.destination_service_namespace) ?? workloadNamespace,
    workload: known(l.destination_workload) ?? 'unknown',
    workloadNamespace,
    app: known(l.destination_app) ?? known(l.destination_canonical_service),
    version: known(l.destination_version) ?? known(l.destination_canonical_revision),
  };
}

const protocolOf = (l: Record<string, string>): TrafficProtocol => {
  const p = (l.request_protocol ?? 'http').toLowerCase();
  return p === 'grpc' ? 'grpc' : p === 'tcp' ? 'tcp' : 'http';
};

export function requestSample(l: Record<string, string>, rps: number): RequestSample {
  return {
    reporter: reporterOf(l),
    source: sourceOf(l),
    destination: destinationOf(l),
    protocol: protocolOf(l),
    responseCode: l.response_code ?? '0',
    responseFlags: l.response_flags || '-',
    grpcStatus: l.grpc_response_status ?? '',
    securityPolicy: l.connection_security_policy ?? 'unknown',
    rps,
  };
}

const PEER_KEY_LABELS = [
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

/** What identifies a latency series: the bucket queries group by workload-level peers only. */
const WORKLOAD_KEY_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'destination_service_name',
  'destination_service_namespace',
  'destination_workload',
  'destination_workload_namespace',
];

/** Key of a peer combination, ignoring code, flags and the like. */
export function peerKey(
  l: Record<string, string>,
  extra: string[] = [],
  labels: readonly string[] = PEER_KEY_LABELS,
): string {
  // PERFORMANCE: called once per series (tens of thousands of bucket series on big meshes).
  const parts: string[] = [];
  for (const k of labels) parts.push(l[k] ?? '');
  for (const k of extra) parts.push(l[k] ?? '');
  return parts.join('\u0000');
}

/**
 * Groups cumulative bucket rates (`le` label) by workload-level peer combination and reporter.
 * The graph adds up the buckets behind each edge before taking quantiles (prom/histogram.ts).
 */
export function latencyFromBuckets(
  rows: { labels: Record<string, string>; value: number }[],
): LatencySample[] {
  const byKey = new Map<string, { labels: Record<string, string>; buckets: Map<number, number> }>();
  for (const row of rows) {
    const le = row.labels.le === '+Inf' ? Infinity : Number(row.labels.le);
    if (Number.isNaN(le)) continue;
    const key = peerKey(row.labels, [], WORKLOAD_KEY_LABELS);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { labels: row.labels, buckets: new Map() }));
    entry.buckets.set(le, (entry.buckets.get(le) ?? 0) + (Number.isFinite(row.value) ? row.value : 0));
  }
  const out: LatencySample[] = [];
  for (const { labels, buckets } of byKey.values()) {
    const list = [...buckets.entries()].map(([le, count]) => ({ le, count }));
    // A peer combination without requests in the window has only zero buckets: nothing to weigh.
    if (!list.some((b) => b.le === Infinity && b.count > 0)) continue;
    out.push({
      reporter: reporterOf(labels),
      source: sourceOf(labels),
      destination: destinationOf(labels),
      buckets: list.sort((a, b) => a.le - b.le),
    });
  }
  return out;
}

/**
 * Folds per-direction TCP rows into TCP samples. Istio names the two byte counters from the
 * server's side whichever proxy reports (istio/istio#32399): `istio_tcp_received_bytes_total`
 * counts what the caller sent, `istio_tcp_sent_bytes_total` what came back, for both reporters.
 */
export function tcpSamples(
  rows: { labels: Record<string, string>; direction: string; value: number }[],
): TcpSample[] {
  const byKey = new Map<string, TcpSample>();
  for (const row of rows) {
    const key = peerKey(row.labels, ['response_flags', 'connection_security_policy']);
    let s = byKey.get(key);
    if (!s) {
      s = {
        reporter: reporterOf(row.labels),
        source: sourceOf(row.labels),
        destination: destinationOf(row.labels),
        securityPolicy: row.labels.connection_security_policy ?? 'unknown',
        responseFlags: row.labels.response_flags || '-',
        bytesToDestinationPerSecond: 0,
        bytesFromDestinationPerSecond: 0,
        connectionsOpenedPerSecond: 0,
      };
      byKey.set(key, s);
    }
    const v = Number.isFinite(row.value) ? row.value : 0;
    if (row.direction === 'sent') s.bytesFromDestinationPerSecond += v;
    else if (row.direction === 'received') s.bytesToDestinationPerSecond += v;
    else if (row.direction === 'opened') s.connectionsOpenedPerSecond += v;
  }
  return [...byKey.values()];
}

export type { Telemetry };
