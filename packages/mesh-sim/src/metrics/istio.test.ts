import { describe, expect, it } from 'vitest';
import { DURATION_BUCKETS_MS, IstioMetrics, sanitizeLabelName, UNKNOWN_PEER } from './istio';
import type { PeerLabels, ReporterPod, ServiceLabels } from './istio';

// The label lists of METRICS.md: H (HTTP/gRPC request metrics), M (gRPC messages), T (TCP).
const PEER_LABELS = [
  'reporter',
  ...['source', 'destination'].flatMap((side) => [
    `${side}_workload`,
    `${side}_workload_namespace`,
    `${side}_principal`,
    `${side}_app`,
    `${side}_version`,
    `${side}_canonical_service`,
    `${side}_canonical_revision`,
    `${side}_cluster`,
  ]),
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
];
const H = [
  ...PEER_LABELS,
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
];
const T = [...PEER_LABELS, 'request_protocol', 'response_flags', 'connection_security_policy'];
const SCRAPE = ['namespace', 'pod', 'app', 'version'];

const productpage: PeerLabels = {
  workload: 'productpage-v1',
  namespace: 'bookinfo',
  principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage',
  app: 'productpage',
  version: 'v1',
  canonicalService: 'productpage',
  canonicalRevision: 'v1',
  cluster: 'Kubernetes',
};
const reviews: PeerLabels = {
  ...productpage,
  workload: 'reviews-v2',
  app: 'reviews',
  version: 'v2',
  canonicalService: 'reviews',
  canonicalRevision: 'v2',
  principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews',
};
const service: ServiceLabels = {
  host: 'reviews.bookinfo.svc.cluster.local',
  name: 'reviews',
  namespace: 'bookinfo',
};
const pod: ReporterPod = {
  namespace: 'bookinfo',
  name: 'reviews-v2-abc-x1',
  labels: { app: 'reviews', version: 'v2', 'security.istio.io/tlsMode': 'istio' },
};

function labelNames(samples: { name: string; labels: Record<string, string> }[], name: string): string[] {
  const sample = samples.find((s) => s.name === name);
  expect(sample, name).toBeDefined();
  return Object.keys(sample?.labels ?? {});
}

describe('IstioMetrics', () => {
  it('puts every standard label on HTTP, gRPC message and TCP series', () => {
    const metrics = new IstioMetrics();
    const base = { pod, source: productpage, destination: reviews, service, mtls: true, flags: '-' } as const;
    metrics.recordHttp({
      ...base,
      reporter: 'destination',
      security: 'mutual_tls',
      protocol: 'grpc',
      responseCode: 200,
      grpcStatus: '0',
      durationMs: 12,
      requestBytes: 300,
      responseBytes: 900,
    });
    metrics.recordTcp({
      ...base,
      reporter: 'destination',
      security: 'mutual_tls',
      sentBytes: 10,
      receivedBytes: 20,
      opened: 1,
      closed: 1,
    });
    const samples = metrics.collect();
    for (const name of [
      'istio_requests_total',
      'istio_request_duration_milliseconds_count',
      'istio_request_bytes_count',
      'istio_response_bytes_count',
    ]) {
      expect(labelNames(samples, name)).toEqual(expect.arrayContaining([...H, ...SCRAPE]));
    }
    for (const name of ['istio_request_messages_total', 'istio_response_messages_total']) {
      const names = labelNames(samples, name);
      expect(names).toEqual(expect.arrayContaining([...PEER_LABELS, ...SCRAPE]));
      expect(names).not.toContain('response_code');
    }
    for (const name of [
      'istio_tcp_sent_bytes_total',
      'istio_tcp_received_bytes_total',
      'istio_tcp_connections_opened_total',
      'istio_tcp_connections_closed_total',
    ]) {
      const names = labelNames(samples, name);
      expect(names).toEqual(expect.arrayContaining([...T, ...SCRAPE]));
      expect(names).not.toContain('response_code');
    }
    const requests = samples.find((s) => s.name === 'istio_requests_total');
    expect(requests?.labels).toMatchObject({
      reporter: 'destination',
      source_principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage',
      destination_principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews',
      request_protocol: 'grpc',
      grpc_response_status: '0',
      security_istio_io_tlsMode: 'istio',
      pod: 'reviews-v2-abc-x1',
    });
  });

  it('blanks principals without mTLS and uses unknown for a caller without a proxy', () => {
    const metrics = new IstioMetrics();
    metrics.recordHttp({
      reporter: 'destination',
      pod,
      source: UNKNOWN_PEER,
      destination: reviews,
      service,
      mtls: false,
      security: 'none',
      flags: '-',
      protocol: 'http',
      responseCode: 200,
      grpcStatus: '',
      durationMs: 5,
      requestBytes: 1,
      responseBytes: 1,
    });
    const labels = metrics.collect().find((s) => s.name === 'istio_requests_total')?.labels;
    expect(labels).toMatchObject({
      source_workload: 'unknown',
      source_principal: 'unknown',
      destination_principal: 'unknown',
      connection_security_policy: 'none',
      grpc_response_status: '',
    });
  });

  it('uses Istio duration buckets and keeps counters monotonic across renders', () => {
    const metrics = new IstioMetrics();
    const report = {
      reporter: 'source',
      pod,
      source: productpage,
      destination: reviews,
      service,
      mtls: true,
      security: 'unknown',
      flags: '-',
      protocol: 'http',
      responseCode: 200,
      grpcStatus: '',
      durationMs: 7000,
      requestBytes: 1,
      responseBytes: 1,
    } as const;
    metrics.recordHttp(report);
    const first = metrics.render();
    metrics.recordHttp(report);
    const second = metrics.render();
    const les = [...first.matchAll(/istio_request_duration_milliseconds_bucket\{[^}]*le="([^"]+)"\}/g)].map(
      (m) => m[1],
    );
    expect(les).toEqual([...DURATION_BUCKETS_MS.map(String), '+Inf']);
    const byteLes = [...first.matchAll(/istio_response_bytes_bucket\{[^}]*le="([^"]+)"\}/g)].map((m) => m[1]);
    expect(byteLes).toEqual(les);
    expect(first).toMatch(/le="5000"\} 0\n/);
    expect(first).toMatch(/le="10000"\} 1\n/);
    expect(first).toMatch(/istio_requests_total\{[^}]*\} 1\n/);
    expect(second).toMatch(/istio_requests_total\{[^}]*\} 2\n/);
    expect(first).toContain('# TYPE istio_request_duration_milliseconds histogram');
  });

  it('sanitizes pod label names like the kubernetes-pods labelmap', () => {
    expect(sanitizeLabelName('security.istio.io/tlsMode')).toBe('security_istio_io_tlsMode');
    expect(sanitizeLabelName('pod-template-hash')).toBe('pod_template_hash');
  });
});
