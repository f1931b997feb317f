import { describe, expect, it } from 'vitest';
import { BOUTIQUE_NAMESPACE, boutiqueObjects } from '../scenarios/boutique';
import { startTraffic } from './index';
import type { MetricSample, TrafficEngine } from './index';
import { bookinfoCluster } from './test-cluster';

/** The shop next to Bookinfo gives the demo a gRPC edge and a TCP edge, and leaves Bookinfo alone. */

function sum(samples: MetricSample[], name: string, where: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

function run(engine: TrafficEngine, seconds: number): MetricSample[] {
  for (let i = 0; i < seconds * 4; i++) engine.advance(0.25);
  return engine.collect();
}

function withBoutique() {
  return bookinfoCluster()
    .namespace(BOUTIQUE_NAMESPACE, { 'istio-injection': 'enabled' })
    .apply(boutiqueObjects(), BOUTIQUE_NAMESPACE);
}

describe('bookinfo scenario with the boutique shop', () => {
  const samples = run(
    startTraffic({ cluster: withBoutique(), scenario: 'bookinfo', seed: 7, autoTick: false }),
    20,
  );

  it('carries frontend → cartservice over gRPC, reported by both proxies with mTLS', () => {
    for (const reporter of ['source', 'destination']) {
      const where = {
        reporter,
        source_workload: 'frontend-v1',
        source_workload_namespace: BOUTIQUE_NAMESPACE,
        destination_workload: 'cartservice-v1',
        destination_service: 'cartservice.boutique.svc.cluster.local',
        request_protocol: 'grpc',
        response_code: '200',
        grpc_response_status: '0',
      };
      // ~6 requests per second for 20 s.
      expect(sum(samples, 'istio_requests_total', where), reporter).toBeGreaterThan(80);
      expect(sum(samples, 'istio_requests_total', where), reporter).toBeLessThan(160);
    }
    expect(
      sum(samples, 'istio_requests_total', {
        reporter: 'destination',
        destination_workload: 'cartservice-v1',
        connection_security_policy: 'mutual_tls',
      }),
    ).toBe(
      sum(samples, 'istio_requests_total', {
        reporter: 'destination',
        destination_workload: 'cartservice-v1',
      }),
    );
    expect(
      sum(samples, 'istio_request_messages_total', {
        reporter: 'source',
        destination_workload: 'cartservice-v1',
      }),
    ).toBeGreaterThan(80);
  });

  it('carries cartservice → redis-cart over TCP, bytes both ways from both proxies', () => {
    for (const reporter of ['source', 'destination']) {
      const where = {
        reporter,
        source_workload: 'cartservice-v1',
        destination_workload: 'redis-cart-v1',
        destination_service_name: 'redis-cart',
        request_protocol: 'tcp',
      };
      expect(sum(samples, 'istio_tcp_connections_opened_total', where), reporter).toBeGreaterThan(80);
      expect(sum(samples, 'istio_tcp_connections_closed_total', where), reporter).toBe(
        sum(samples, 'istio_tcp_connections_opened_total', where),
      );
      // Sent is the response direction (redis → cartservice), received the requests.
      expect(sum(samples, 'istio_tcp_sent_bytes_total', where), reporter).toBeGreaterThan(
        sum(samples, 'istio_tcp_received_bytes_total', where),
      );
      expect(sum(samples, 'istio_tcp_received_bytes_total', where), reporter).toBeGreaterThan(0);
    }
    // No HTTP series for a TCP service.
    expect(sum(samples, 'istio_requests_total', { destination_service_name: 'redis-cart' })).toBe(0);
  });

  it('sends nothing from the shop into bookinfo, and bookinfo nothing into the shop', () => {
    const crossing = samples.filter(
      (s) =>
        s.name === 'istio_requests_total' &&
        (s.labels.source_workload_namespace === BOUTIQUE_NAMESPACE) !==
          (s.labels.destination_service_namespace === BOUTIQUE_NAMESPACE),
    );
    expect(crossing).toEqual([]);
  });

  it('leaves the bookinfo traffic as it was without the shop', () => {
    const plain = run(
      startTraffic({ cluster: bookinfoCluster(), scenario: 'bookinfo', seed: 7, autoTick: false }),
      20,
    );
    const reviews = { reporter: 'destination', destination_service_name: 'reviews' };
    const withShop = sum(samples, 'istio_requests_total', reviews);
    const without = sum(plain, 'istio_requests_total', reviews);
    // Same load model; the shared random stream differs, so within Poisson noise (~400 requests).
    expect(Math.abs(withShop - without) / without).toBeLessThan(0.15);
  });
});
