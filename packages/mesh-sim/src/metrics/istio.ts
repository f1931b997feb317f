import { escapeLabelValue, MetricRegistry } from './registry';
import type { CounterFamily, HistogramFamily, Sample } from './registry';

/**
 * Envoy's default histogram buckets. Istio's bootstrap sets `histogram_bucket_settings` only when
 * a pod asks for it (`sidecar.istio.io/statsHistogramBuckets`), so every istio_* histogram,
 * the byte sizes included, uses these.
 */
export const DURATION_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000,
  3600000,
] as const;

/** Same default buckets, read as bytes. */
export const BYTES_BUCKETS = DURATION_BUCKETS_MS;

/** Peer attributes as Istio's metadata exchange reports them; `unknown` when a side has no proxy. */
export interface PeerLabels {
  workload: string;
  namespace: string;
  /** spiffe://cluster.local/ns/<ns>/sa/<sa>; set on the series only when the connection is mTLS. */
  principal: string;
  app: string;
  version: string;
  canonicalService: string;
  canonicalRevision: string;
  cluster: string;
}

export const UNKNOWN_PEER: PeerLabels = Object.freeze({
  workload: 'unknown',
  namespace: 'unknown',
  principal: 'unknown',
  app: 'unknown',
  version: 'unknown',
  canonicalService: 'unknown',
  canonicalRevision: 'unknown',
  cluster: 'unknown',
});

export interface ServiceLabels {
  /** destination_service: the FQDN, e.g. reviews.bookinfo.svc.cluster.local */
  host: string;
  name: string;
  namespace: string;
}

/**
 * The pod whose proxy reports, with the labels Prometheus' `kubernetes-pods` job would attach
 * (every pod label, sanitized, plus namespace, pod and node).
 */
export interface ReporterPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  node?: string;
}

export type Reporter = 'source' | 'destination';
export type SecurityPolicy = 'mutual_tls' | 'none' | 'unknown';

interface CommonReport {
  reporter: Reporter;
  pod: ReporterPod;
  source: PeerLabels;
  destination: PeerLabels;
  service: ServiceLabels;
  /** Whether the principals are known (the hop used Istio mTLS). */
  mtls: boolean;
  security: SecurityPolicy;
  flags: string;
  /** How many identical requests/connections this report stands for (sampled simulation). Default 1. */
  count?: number;
}

export interface HttpReport extends CommonReport {
  protocol: 'http' | 'grpc';
  /** 0 when no response was sent (e.g. the client went away). */
  responseCode: number;
  /** gRPC status as a number string for gRPC, '' for plain HTTP. */
  grpcStatus: string;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  /** gRPC message counts (gRPC only). */
  requestMessages?: number;
  responseMessages?: number;
}

export interface TcpReport extends CommonReport {
  sentBytes: number;
  receivedBytes: number;
  opened: number;
  closed: number;
}

/** Prometheus label name from a Kubernetes label key, as `labelmap` sanitizes it. */
export function sanitizeLabelName(key: string): string {
  const cleaned = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function part(name: string, value: string): string {
  return `${name}="${escapeLabelValue(value)}"`;
}

/**
 * Istio's standard metrics with every label of METRICS.md. Label strings are cached per
 * (reporter pod, peers, service, outcome) so a request costs a few Map lookups.
 */
export class IstioMetrics {
  readonly registry = new MetricRegistry();
  private readonly requests: CounterFamily;
  private readonly duration: HistogramFamily;
  private readonly requestBytes: HistogramFamily | undefined;
  private readonly responseBytes: HistogramFamily | undefined;
  private readonly requestMessages: CounterFamily;
  private readonly responseMessages: CounterFamily;
  private readonly tcpSent: CounterFamily;
  private readonly tcpReceived: CounterFamily;
  private readonly tcpOpened: CounterFamily;
  private readonly tcpClosed: CounterFamily;

  // PERFORMANCE: identity ids for the (immutable, per-snapshot) label objects, so cache keys are short.
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  private readonly fragments = new WeakMap<object, string>();
  private readonly labelCache = new Map<string, string>();

  constructor(options: { byteHistograms?: boolean } = {}) {
    const r = this.registry;
    this.requests = r.counter('istio_requests_total', 'Total requests handled by an Istio proxy.');
    this.duration = r.histogram(
      'istio_request_duration_milliseconds',
      'Duration of requests in milliseconds.',
      DURATION_BUCKETS_MS,
    );
    const bytes = options.byteHistograms !== false;
    // The byte histograms can be switched off for very large simulations (scrape size).
    this.requestBytes = bytes
      ? r.histogram('istio_request_bytes', 'Size of HTTP requests in bytes.', BYTES_BUCKETS)
      : undefined;
    this.responseBytes = bytes
      ? r.histogram('istio_response_bytes', 'Size of HTTP responses in bytes.', BYTES_BUCKETS)
      : undefined;
    this.requestMessages = r.counter('istio_request_messages_total', 'gRPC messages sent by the client.');
    this.responseMessages = r.counter('istio_response_messages_total', 'gRPC messages sent by the server.');
    this.tcpSent = r.counter(
      'istio_tcp_sent_bytes_total',
      'Bytes sent back to the downstream on TCP connections.',
    );
    this.tcpReceived = r.counter(
      'istio_tcp_received_bytes_total',
      'Bytes received from the downstream on TCP connections.',
    );
    this.tcpOpened = r.counter('istio_tcp_connections_opened_total', 'TCP connections opened.');
    this.tcpClosed = r.counter('istio_tcp_connections_closed_total', 'TCP connections closed.');
  }

  recordHttp(report: HttpReport): void {
    const labels = this.labels(
      report,
      `request_protocol="${report.protocol}",response_code="${report.responseCode}",grpc_response_status="${report.grpcStatus}",`,
      `${report.protocol}|${report.responseCode}|${report.grpcStatus}`,
    );
    const count = report.count ?? 1;
    this.requests.add(labels, count);
    this.duration.observe(labels, report.durationMs, count);
    this.requestBytes?.observe(labels, report.requestBytes, count);
    this.responseBytes?.observe(labels, report.responseBytes, count);
    if (report.protocol === 'grpc') {
      const messageLabels = this.messageLabels(report);
      this.requestMessages.add(messageLabels, (report.requestMessages ?? 1) * count);
      this.responseMessages.add(messageLabels, (report.responseMessages ?? 1) * count);
    }
  }

  recordTcp(report: TcpReport): void {
    const labels = this.labels(report, 'request_protocol="tcp",', 'tcp');
    const count = report.count ?? 1;
    if (report.opened > 0) this.tcpOpened.add(labels, report.opened * count);
    if (report.closed > 0) this.tcpClosed.add(labels, report.closed * count);
    this.tcpSent.add(labels, report.sentBytes * count);
    this.tcpReceived.add(labels, report.receivedBytes * count);
  }

  render(): string {
    return this.registry.render();
  }

  /** Streams the exposition in chunks (a large mesh exceeds V8's maximum string length). */
  write(write: (chunk: string) => void): void {
    this.registry.write(write);
  }

  chunks(): Generator<string> {
    return this.registry.chunks();
  }

  /** Drops cached label strings; call when the mesh snapshot (and its label objects) is replaced. */
  resetLabelCache(): void {
    this.labelCache.clear();
  }

  collect(): Sample[] {
    return this.registry.collect();
  }

  seriesCount(): number {
    return this.registry.seriesCount();
  }

  private id(object: object): number {
    let id = this.ids.get(object);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(object, id);
    }
    return id;
  }

  private labels(report: CommonReport, protocolPart: string, protocolKey: string): string {
    const key = `${this.peerKey(report)}|${protocolKey}|${report.flags}|${report.security}`;
    let labels = this.labelCache.get(key);
    if (labels === undefined) {
      if (this.labelCache.size > 200_000) this.labelCache.clear();
      labels =
        this.peerLabels(report) +
        `,${protocolPart}response_flags="${escapeLabelValue(report.flags)}",connection_security_policy="${report.security}"` +
        this.scrapeLabels(report.pod);
      this.labelCache.set(key, labels);
    }
    return labels;
  }

  private peerKey(report: CommonReport): string {
    return `${report.reporter}|${report.mtls ? 1 : 0}|${this.id(report.pod)}|${this.id(report.source)}|${this.id(report.destination)}|${this.id(report.service)}`;
  }

  /** reporter + source_* + destination_* (the label set of the gRPC message counters) + scrape labels. */
  private peerLabels(report: CommonReport): string {
    const key = `peers|${this.peerKey(report)}`;
    let labels = this.labelCache.get(key);
    if (labels === undefined) {
      const source = this.peerFragment(report.source, 'source', report.mtls);
      const destination = this.peerFragment(report.destination, 'destination', report.mtls);
      const service = this.serviceFragment(report.service);
      labels = `reporter="${report.reporter}",${source},${destination},${service}`;
      this.labelCache.set(key, labels);
    }
    return labels;
  }

  /** The gRPC message counters: peers only (no protocol/code/flag/security labels), plus scrape labels. */
  private messageLabels(report: CommonReport): string {
    const key = `messages|${this.peerKey(report)}`;
    let labels = this.labelCache.get(key);
    if (labels === undefined) {
      labels = this.peerLabels(report) + this.scrapeLabels(report.pod);
      this.labelCache.set(key, labels);
    }
    return labels;
  }

  private peerFragment(peer: PeerLabels, side: 'source' | 'destination', mtls: boolean): string {
    const cacheKey = `${side}|${mtls ? 1 : 0}|${this.id(peer)}`;
    let fragment = this.labelCache.get(cacheKey);
    if (fragment === undefined) {
      const fields: [string, string][] = [
        [`${side}_workload`, peer.workload],
        [`${side}_workload_namespace`, peer.namespace],
        [`${side}_principal`, mtls ? peer.principal : 'unknown'],
        [`${side}_app`, peer.app],
        [`${side}_version`, peer.version],
        [`${side}_canonical_service`, peer.canonicalService],
        [`${side}_canonical_revision`, peer.canonicalRevision],
        [`${side}_cluster`, peer.cluster],
      ];
      fragment = fields.map(([n, v]) => part(n, v)).join(',');
      this.labelCache.set(cacheKey, fragment);
    }
    return fragment;
  }

  private serviceFragment(service: ServiceLabels): string {
    let fragment = this.fragments.get(service);
    if (fragment === undefined) {
      fragment = [
        part('destination_service', service.host),
        part('destination_service_name', service.name),
        part('destination_service_namespace', service.namespace),
      ].join(',');
      this.fragments.set(service, fragment);
    }
    return fragment;
  }

  private scrapeLabels(pod: ReporterPod): string {
    let fragment = this.fragments.get(pod);
    if (fragment === undefined) {
      const parts: string[] = [];
      for (const [key, value] of Object.entries(pod.labels)) parts.push(part(sanitizeLabelName(key), value));
      parts.push(part('namespace', pod.namespace), part('pod', pod.name));
      if (pod.node) parts.push(part('node', pod.node));
      fragment = `,${parts.join(',')}`;
      this.fragments.set(pod, fragment);
    }
    return fragment;
  }
}
