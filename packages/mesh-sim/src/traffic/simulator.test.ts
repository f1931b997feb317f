import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { startTraffic } from './index';
import type { MetricSample, TrafficEngine } from './index';
import { BOOKINFO_KNOBS, bookinfoScenario } from './scenario-bookinfo';
import { bookinfoCluster, loadFixture, TestCluster } from './test-cluster';

function sum(samples: MetricSample[], name: string, where: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

function run(engine: TrafficEngine, seconds: number): MetricSample[] {
  for (let i = 0; i < seconds * 4; i++) engine.advance(0.25);
  return engine.collect();
}

describe('traffic engine on bookinfo', () => {
  it('is reproducible for a seed', () => {
    const a = startTraffic({ cluster: bookinfoCluster(), scenario: 'bookinfo', seed: 42, autoTick: false });
    const b = startTraffic({ cluster: bookinfoCluster(), scenario: 'bookinfo', seed: 42, autoTick: false });
    run(a, 5);
    run(b, 5);
    expect(a.renderMetrics()).toBe(b.renderMetrics());
    expect(a.requestCount()).toBeGreaterThan(50);
  });

  it('follows a VirtualService change at the next tick', () => {
    const cluster = bookinfoCluster();
    const engine = startTraffic({ cluster, scenario: 'bookinfo', seed: 1, autoTick: false });
    const where = (version: string) => ({
      reporter: 'destination',
      destination_service_name: 'reviews',
      destination_version: version,
    });
    let samples = run(engine, 20);
    const v1Before = sum(samples, 'istio_requests_total', where('v1'));
    const v2Before = sum(samples, 'istio_requests_total', where('v2'));
    expect(v1Before / (v1Before + v2Before)).toBeCloseTo(0.8, 1);

    cluster.apply(loadFixture('bookinfo/networking/virtual-service-reviews-50-v3.yaml'), 'bookinfo');
    samples = run(engine, 20);
    const v1 = sum(samples, 'istio_requests_total', where('v1')) - v1Before;
    const v3 = sum(samples, 'istio_requests_total', where('v3'));
    expect(sum(samples, 'istio_requests_total', where('v2'))).toBe(v2Before);
    expect(v1 / (v1 + v3)).toBeGreaterThan(0.43);
    expect(v1 / (v1 + v3)).toBeLessThan(0.57);
  });

  it("shows the 7s ratings delay in the callers' latency, flagged DI, and productpage giving up on reviews", () => {
    const cluster = bookinfoCluster();
    cluster.apply(loadFixture('bookinfo/networking/virtual-service-reviews-jason-v2-v3.yaml'), 'bookinfo');
    cluster.apply(loadFixture('bookinfo/networking/virtual-service-ratings-test-delay.yaml'), 'bookinfo');
    const samples = run(startTraffic({ cluster, scenario: 'bookinfo', seed: 5, autoTick: false }), 20);
    const toRatings = {
      reporter: 'source',
      source_workload: 'reviews-v2',
      destination_service_name: 'ratings',
    };
    const total = sum(samples, 'istio_request_duration_milliseconds_count', toRatings);
    const under5s = sum(samples, 'istio_request_duration_milliseconds_bucket', { ...toRatings, le: '5000' });
    const delayed = sum(samples, 'istio_requests_total', { ...toRatings, response_flags: 'DI' });
    expect(total).toBeGreaterThan(20);
    // reviews-v2 only gets jason (the jason-v2-v3 rule), and every jason request is delayed.
    expect(under5s).toBe(0);
    expect(delayed).toBe(total);
    // v3 serves everyone else without delay.
    const fromV3 = { reporter: 'source', source_workload: 'reviews-v3', destination_service_name: 'ratings' };
    expect(sum(samples, 'istio_request_duration_milliseconds_bucket', { ...fromV3, le: '250' })).toBe(
      sum(samples, 'istio_request_duration_milliseconds_count', fromV3),
    );
    // productpage's own 3 s timeout: it gives up on reviews-v2 (response_code 0, DC).
    expect(
      sum(samples, 'istio_requests_total', {
        reporter: 'source',
        source_workload: 'productpage-v1',
        destination_workload: 'reviews-v2',
        response_code: '0',
        response_flags: 'DC',
      }),
    ).toBeGreaterThan(0);
  });

  it('tells plaintext curl traffic from mTLS traffic, and STRICT stops it', () => {
    const cluster = bookinfoCluster();
    const engine = startTraffic({ cluster, scenario: 'bookinfo', seed: 9, autoTick: false });
    let samples = run(engine, 10);
    const plaintext = {
      reporter: 'destination',
      destination_workload: 'productpage-v1',
      connection_security_policy: 'none',
    };
    const mtls = {
      reporter: 'destination',
      destination_workload: 'productpage-v1',
      connection_security_policy: 'mutual_tls',
      source_workload: 'istio-ingressgateway',
    };
    const plainBefore = sum(samples, 'istio_requests_total', plaintext);
    expect(plainBefore).toBeGreaterThan(10);
    expect(sum(samples, 'istio_requests_total', { ...plaintext, source_workload: 'unknown' })).toBe(
      plainBefore,
    );
    expect(sum(samples, 'istio_requests_total', mtls)).toBeGreaterThan(100);
    // curl has no sidecar: nothing is reported with reporter=source from it.
    expect(samples.some((s) => s.labels.reporter === 'source' && s.labels.namespace === 'curl')).toBe(false);

    const strict: KubeObject = {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default' },
      spec: { mtls: { mode: 'STRICT' } },
    };
    cluster.apply([strict], 'bookinfo');
    const mtlsBefore = sum(samples, 'istio_requests_total', mtls);
    samples = run(engine, 10);
    expect(sum(samples, 'istio_requests_total', plaintext)).toBe(plainBefore);
    expect(sum(samples, 'istio_requests_total', mtls)).toBeGreaterThan(mtlsBefore + 100);
  });

  it('names curl instead of unknown with peerMetadataDiscovery', () => {
    const samples = run(
      startTraffic({
        cluster: bookinfoCluster(),
        scenario: 'bookinfo',
        seed: 9,
        autoTick: false,
        peerMetadataDiscovery: true,
      }),
      5,
    );
    const plaintext = {
      reporter: 'destination',
      destination_workload: 'productpage-v1',
      connection_security_policy: 'none',
    };
    expect(
      sum(samples, 'istio_requests_total', {
        ...plaintext,
        source_workload: 'curl',
        source_workload_namespace: 'curl',
        source_principal: 'unknown',
      }),
    ).toBeGreaterThan(5);
    expect(sum(samples, 'istio_requests_total', { ...plaintext, source_workload: 'unknown' })).toBe(0);
  });

  it('reports FI aborts from the source only, with no destination workload', () => {
    const cluster = bookinfoCluster();
    cluster.apply(loadFixture('bookinfo/networking/fault-injection-details-v1.yaml'), 'bookinfo');
    const samples = run(startTraffic({ cluster, scenario: 'bookinfo', seed: 2, autoTick: false }), 5);
    const aborted = sum(samples, 'istio_requests_total', {
      reporter: 'source',
      destination_service_name: 'details',
      response_code: '555',
      response_flags: 'FI',
      destination_workload: 'unknown',
    });
    expect(aborted).toBeGreaterThan(20);
    expect(
      sum(samples, 'istio_requests_total', { reporter: 'destination', destination_service_name: 'details' }),
    ).toBe(0);
  });

  it('exports TCP metrics for ratings-v2 → mongodb when they exist', () => {
    const cluster = bookinfoCluster();
    const mongo: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'mongodb' },
        spec: { selector: { app: 'mongodb' }, ports: [{ name: 'mongo', port: 27017 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'mongodb-v1' },
        spec: {
          template: {
            metadata: { labels: { app: 'mongodb', version: 'v1' } },
            spec: { containers: [{ name: 'mongodb' }] },
          },
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'ratings-v2' },
        spec: {
          template: {
            metadata: { labels: { app: 'ratings', version: 'v2' } },
            spec: { serviceAccountName: 'bookinfo-ratings', containers: [{ name: 'ratings' }] },
          },
        },
      },
    ];
    cluster.apply(mongo, 'bookinfo');
    cluster.apply(loadFixture('bookinfo/networking/virtual-service-ratings-db.yaml'), 'bookinfo');
    const samples = run(startTraffic({ cluster, scenario: 'bookinfo', seed: 3, autoTick: false }), 10);
    const where = {
      reporter: 'destination',
      source_workload: 'ratings-v2',
      destination_workload: 'mongodb-v1',
      request_protocol: 'tcp',
      connection_security_policy: 'mutual_tls',
    };
    expect(sum(samples, 'istio_tcp_connections_opened_total', where)).toBeGreaterThan(10);
    expect(sum(samples, 'istio_tcp_sent_bytes_total', where)).toBeGreaterThan(1000);
  });
});

describe('traffic engine on a scale-like mesh', () => {
  it('follows the calls/rps annotations, with gRPC where the port says so', () => {
    const cluster = new TestCluster().namespace('scale-0', { 'istio-injection': 'enabled' });
    const deployment = (name: string, app: string, annotations: Record<string, string>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, annotations },
      spec: {
        template: { metadata: { labels: { app, version: 'v1' } }, spec: { containers: [{ name: 'app' }] } },
      },
    });
    const service = (name: string, portName: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { selector: { app: name }, ports: [{ name: portName, port: 8080 }] },
    });
    cluster.apply(
      [
        service('svc-0', 'http'),
        service('svc-1', 'grpc'),
        service('svc-2', 'http'),
        deployment('svc-0-v1', 'svc-0', {
          'sim.sextant.io/calls': 'svc-1.scale-0,svc-2.scale-0',
          'sim.sextant.io/rps': '8',
        }),
        deployment('svc-1-v1', 'svc-1', { 'sim.sextant.io/calls': 'svc-2.scale-0' }),
        deployment('svc-2-v1', 'svc-2', {}),
      ],
      'scale-0',
    );
    const samples = run(startTraffic({ cluster, scenario: 'scale', seed: 4, autoTick: false }), 10);
    const edge = (from: string, to: string) =>
      sum(samples, 'istio_requests_total', {
        reporter: 'destination',
        source_workload: from,
        destination_service_name: to,
      });
    expect(edge('svc-0-v1', 'svc-1')).toBeGreaterThan(50);
    expect(edge('svc-0-v1', 'svc-2')).toBe(edge('svc-0-v1', 'svc-1'));
    expect(edge('svc-1-v1', 'svc-2')).toBe(edge('svc-0-v1', 'svc-1'));
    expect(
      sum(samples, 'istio_request_messages_total', {
        reporter: 'destination',
        destination_service_name: 'svc-1',
      }),
    ).toBe(edge('svc-0-v1', 'svc-1'));
    expect(
      sum(samples, 'istio_requests_total', {
        destination_service_name: 'svc-1',
        request_protocol: 'grpc',
        grpc_response_status: '0',
      }),
    ).toBeGreaterThan(0);
    // No inbound edge to the entry workload: it originates the work itself.
    expect(sum(samples, 'istio_requests_total', { destination_service_name: 'svc-0' })).toBe(0);
    // Sampling: with a tiny hop budget each simulated request stands for several, same totals in expectation.
    const sampled = startTraffic({
      cluster,
      scenario: 'scale',
      seed: 4,
      autoTick: false,
      hopBudgetPerSecond: 10,
    });
    const sampledSamples = run(sampled, 10);
    expect(sampled.sampleWeight()).toBeGreaterThan(1);
    const sampledEdge = sum(sampledSamples, 'istio_requests_total', {
      reporter: 'destination',
      source_workload: 'svc-0-v1',
      destination_service_name: 'svc-1',
    });
    expect(sampledEdge).toBeGreaterThan(40);
    expect(sampledEdge).toBeLessThan(160);
    // Byte histograms are off by default for the scale scenario (scrape size).
    expect(samples.some((s) => s.name.startsWith('istio_request_bytes'))).toBe(false);
  });
});

describe('traffic engine: Envoy behaviours', () => {
  function ratingsRule(rule: Record<string, unknown>): KubeObject {
    return {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'ratings' },
      spec: {
        hosts: ['ratings'],
        http: [{ ...rule, route: [{ destination: { host: 'ratings', subset: 'v1' } }] }],
      },
    };
  }
  const ratingsFrom = (reporter: string) => ({
    reporter,
    source_workload: 'reviews-v2',
    destination_service_name: 'ratings',
  });

  it('retries 5xx answers and reports URX when the attempts run out', () => {
    const cluster = bookinfoCluster();
    cluster.apply([ratingsRule({ retries: { attempts: 2, retryOn: '5xx' } })], 'bookinfo');
    const knobs = structuredClone(BOOKINFO_KNOBS);
    knobs.profiles['ratings-v1'] = {
      medianMs: 2,
      sigma: 0.1,
      errorPercent: 100,
      errorCode: 500,
      responseBytes: 50,
    };
    const samples = run(
      startTraffic({
        cluster,
        scenario: 'bookinfo',
        seed: 8,
        autoTick: false,
        model: bookinfoScenario(knobs),
      }),
      10,
    );
    const clientSide = sum(samples, 'istio_requests_total', {
      ...ratingsFrom('source'),
      response_code: '500',
      response_flags: 'URX',
    });
    const serverSide = sum(samples, 'istio_requests_total', {
      ...ratingsFrom('destination'),
      response_code: '500',
    });
    expect(clientSide).toBeGreaterThan(5);
    expect(serverSide).toBe(3 * clientSide);
  });

  it('answers 504 UT past the route timeout; the server sees the client go (0, DC)', () => {
    const cluster = bookinfoCluster();
    cluster.apply([ratingsRule({ timeout: '1ms', retries: { attempts: 0 } })], 'bookinfo');
    const knobs = structuredClone(BOOKINFO_KNOBS);
    knobs.profiles['ratings-v1'] = {
      medianMs: 50,
      sigma: 0.1,
      errorPercent: 0,
      errorCode: 500,
      responseBytes: 50,
    };
    const samples = run(
      startTraffic({
        cluster,
        scenario: 'bookinfo',
        seed: 8,
        autoTick: false,
        model: bookinfoScenario(knobs),
      }),
      10,
    );
    const timedOut = sum(samples, 'istio_requests_total', {
      ...ratingsFrom('source'),
      response_code: '504',
      response_flags: 'UT',
    });
    expect(timedOut).toBeGreaterThan(5);
    expect(
      sum(samples, 'istio_requests_total', {
        ...ratingsFrom('destination'),
        response_code: '0',
        response_flags: 'DC',
      }),
    ).toBe(timedOut);
    expect(
      sum(samples, 'istio_request_duration_milliseconds_bucket', {
        ...ratingsFrom('source'),
        response_code: '504',
        le: '5',
      }),
    ).toBe(timedOut);
  });

  it('mirrors a share of the requests to the mirror destination', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'reviews' },
          spec: {
            hosts: ['reviews'],
            http: [
              {
                route: [{ destination: { host: 'reviews', subset: 'v1' } }],
                mirror: { host: 'reviews', subset: 'v3' },
                mirrorPercentage: { value: 50 },
              },
            ],
          },
        },
      ],
      'bookinfo',
    );
    const samples = run(startTraffic({ cluster, scenario: 'bookinfo', seed: 8, autoTick: false }), 10);
    const served = (workload: string) =>
      sum(samples, 'istio_requests_total', {
        reporter: 'destination',
        source_workload: 'productpage-v1',
        destination_workload: workload,
      });
    expect(served('reviews-v2')).toBe(0);
    expect(served('reviews-v3') / served('reviews-v1')).toBeGreaterThan(0.4);
    expect(served('reviews-v3') / served('reviews-v1')).toBeLessThan(0.6);
  });
});
