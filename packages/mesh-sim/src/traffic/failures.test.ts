import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { startTraffic } from './index';
import type { MetricSample, TrafficEngine } from './index';
import { BOOKINFO_KNOBS, bookinfoScenario } from './scenario-bookinfo';
import type { BookinfoKnobs } from './scenario-bookinfo';
import type { WorkloadProfile } from './scenario';
import { bookinfoCluster, TestCluster } from './test-cluster';

/**
 * Failure outcomes as Envoy and Istio's stats filter report them: what the caller's proxy
 * (reporter="source") sees, what the destination's proxy (reporter="destination") sees, and
 * that nothing the destination never received shows up in its report.
 */

type Where = Record<string, string>;

function sum(samples: MetricSample[], name: string, where: Where): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

function run(engine: TrafficEngine, seconds: number): MetricSample[] {
  for (let i = 0; i < seconds * 4; i++) engine.advance(0.25);
  return engine.collect();
}

function labelValues(samples: MetricSample[], name: string, where: Where, label: string): string[] {
  const values = new Set<string>();
  for (const s of samples) {
    if (s.name !== name || !Object.entries(where).every(([k, v]) => s.labels[k] === v)) continue;
    values.add(s.labels[label] ?? '');
  }
  return [...values].sort();
}

function virtualService(host: string, rule: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: host },
    spec: { hosts: [host], http: [rule] },
  };
}

function destinationRule(host: string, extra: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: host },
    spec: {
      host,
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v3', labels: { version: 'v3' } },
      ],
      ...extra,
    },
  };
}

const STRICT: KubeObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default' },
  spec: { mtls: { mode: 'STRICT' } },
};

function knobsWith(workload: string, profile: Partial<WorkloadProfile>): BookinfoKnobs {
  const knobs = structuredClone(BOOKINFO_KNOBS);
  const base = knobs.profiles[workload];
  if (!base) throw new Error(`no profile for ${workload}`);
  knobs.profiles[workload] = { ...base, ...profile };
  return knobs;
}

function simulate(
  cluster: TestCluster,
  seconds: number,
  knobs: BookinfoKnobs = BOOKINFO_KNOBS,
): MetricSample[] {
  return run(
    startTraffic({
      cluster,
      scenario: 'bookinfo',
      seed: 11,
      autoTick: false,
      model: bookinfoScenario(knobs),
    }),
    seconds,
  );
}

const REQUESTS = 'istio_requests_total';
const fromProductpage = (reporter: string): Where => ({
  reporter,
  source_workload: 'productpage-v1',
  destination_service_name: 'reviews',
});
const toRatings = (reporter: string): Where => ({
  reporter,
  source_workload: 'reviews-v2',
  destination_service_name: 'ratings',
});

describe('fault aborts', () => {
  it('a 50 % HTTP abort shows as ~50 % 503 FI in the caller report only, with no destination workload', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        virtualService('reviews', {
          fault: { abort: { httpStatus: 503, percentage: { value: 50 } } },
          route: [{ destination: { host: 'reviews', subset: 'v1' } }],
        }),
      ],
      'bookinfo',
    );
    const samples = simulate(cluster, 30);
    const sent = sum(samples, REQUESTS, fromProductpage('source'));
    const aborted = sum(samples, REQUESTS, { ...fromProductpage('source'), response_flags: 'FI' });
    expect(sent).toBeGreaterThan(300);
    expect(aborted / sent).toBeGreaterThan(0.44);
    expect(aborted / sent).toBeLessThan(0.56);
    expect(
      labelValues(samples, REQUESTS, { ...fromProductpage('source'), response_flags: 'FI' }, 'response_code'),
    ).toEqual(['503']);
    expect(
      labelValues(
        samples,
        REQUESTS,
        { ...fromProductpage('source'), response_flags: 'FI' },
        'destination_workload',
      ),
    ).toEqual(['unknown']);
    // The aborted requests never left the caller: the destination saw exactly the others.
    const served = sum(samples, REQUESTS, fromProductpage('destination'));
    expect(served).toBe(sent - aborted);
    expect(labelValues(samples, REQUESTS, fromProductpage('destination'), 'response_flags')).toEqual(['-']);
  });
});

describe('delay faults', () => {
  it("a 50 % 2 s delay raises the caller's latency for that share (DI); the destination's is unchanged", () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        virtualService('ratings', {
          fault: { delay: { fixedDelay: '2s', percentage: { value: 50 } } },
          route: [{ destination: { host: 'ratings', subset: 'v1' } }],
        }),
      ],
      'bookinfo',
    );
    const samples = simulate(cluster, 30);
    const total = sum(samples, 'istio_request_duration_milliseconds_count', toRatings('source'));
    const fast = sum(samples, 'istio_request_duration_milliseconds_bucket', {
      ...toRatings('source'),
      le: '1000',
    });
    const delayed = sum(samples, REQUESTS, { ...toRatings('source'), response_flags: 'DI' });
    expect(total).toBeGreaterThan(60);
    expect(delayed / total).toBeGreaterThan(0.38);
    expect(delayed / total).toBeLessThan(0.62);
    // Every delayed request took at least the 2 s; every other one stayed fast.
    expect(total - fast).toBe(delayed);
    expect(
      sum(samples, 'istio_request_duration_milliseconds_bucket', {
        ...toRatings('source'),
        response_flags: 'DI',
        le: '1000',
      }),
    ).toBe(0);
    const atServer = sum(samples, 'istio_request_duration_milliseconds_count', toRatings('destination'));
    expect(atServer).toBe(total);
    expect(
      sum(samples, 'istio_request_duration_milliseconds_bucket', { ...toRatings('destination'), le: '250' }),
    ).toBe(atServer);
  });

  it("does not count the delay against the route timeout (Envoy's router timer starts after the fault filter)", () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        virtualService('ratings', {
          fault: { delay: { fixedDelay: '100ms', percentage: { value: 100 } } },
          timeout: '50ms',
          route: [{ destination: { host: 'ratings', subset: 'v1' } }],
        }),
      ],
      'bookinfo',
    );
    const samples = simulate(cluster, 10);
    const total = sum(samples, REQUESTS, toRatings('source'));
    expect(total).toBeGreaterThan(10);
    expect(
      sum(samples, REQUESTS, { ...toRatings('source'), response_flags: 'DI', response_code: '200' }),
    ).toBe(total);
  });
});

describe('timeouts and retries', () => {
  const slowRatings = knobsWith('ratings-v1', { medianMs: 60, sigma: 0.05 });

  it('a route timeout shorter than the service gives 504 UT to the caller; the destination reports its own outcome (0 DC)', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        virtualService('ratings', {
          timeout: '20ms',
          route: [{ destination: { host: 'ratings', subset: 'v1' } }],
        }),
      ],
      'bookinfo',
    );
    const samples = simulate(cluster, 10, slowRatings);
    const timedOut = sum(samples, REQUESTS, {
      ...toRatings('source'),
      response_code: '504',
      response_flags: 'UT',
    });
    expect(timedOut).toBeGreaterThan(10);
    expect(timedOut).toBe(sum(samples, REQUESTS, toRatings('source')));
    // The caller waited the 20 ms, not the 60 ms the service needs.
    expect(
      sum(samples, 'istio_request_duration_milliseconds_bucket', { ...toRatings('source'), le: '25' }),
    ).toBe(timedOut);
    expect(
      sum(samples, REQUESTS, { ...toRatings('destination'), response_code: '0', response_flags: 'DC' }),
    ).toBe(timedOut);
  });

  it("a per-try timeout is not retried under Istio's default retryOn", () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        virtualService('ratings', {
          retries: { attempts: 2, perTryTimeout: '20ms' },
          route: [{ destination: { host: 'ratings', subset: 'v1' } }],
        }),
      ],
      'bookinfo',
    );
    const samples = simulate(cluster, 10, slowRatings);
    const timedOut = sum(samples, REQUESTS, {
      ...toRatings('source'),
      response_code: '504',
      response_flags: 'UT',
    });
    expect(timedOut).toBeGreaterThan(10);
    expect(sum(samples, REQUESTS, toRatings('destination'))).toBe(timedOut);
  });

  it('with retryOn 5xx, each per-try timeout is retried until the attempts run out (UT,URX)', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        virtualService('ratings', {
          retries: { attempts: 2, perTryTimeout: '20ms', retryOn: '5xx' },
          route: [{ destination: { host: 'ratings', subset: 'v1' } }],
        }),
      ],
      'bookinfo',
    );
    const samples = simulate(cluster, 10, slowRatings);
    const failed = sum(samples, REQUESTS, {
      ...toRatings('source'),
      response_code: '504',
      response_flags: 'UT,URX',
    });
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBe(sum(samples, REQUESTS, toRatings('source')));
    expect(sum(samples, REQUESTS, { ...toRatings('destination'), response_flags: 'DC' })).toBe(3 * failed);
    // Three attempts of 20 ms each.
    expect(
      sum(samples, 'istio_request_duration_milliseconds_bucket', { ...toRatings('source'), le: '50' }),
    ).toBe(0);
  });
});

describe('TLS mismatches', () => {
  it('DestinationRule tls SIMPLE toward a STRICT service: the caller sees 503 UF,URX; the destination reports nothing', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [destinationRule('ratings', { trafficPolicy: { tls: { mode: 'SIMPLE' } } }), STRICT],
      'bookinfo',
    );
    const samples = simulate(cluster, 10);
    const total = sum(samples, REQUESTS, toRatings('source'));
    expect(total).toBeGreaterThan(10);
    expect(
      sum(samples, REQUESTS, { ...toRatings('source'), response_code: '503', response_flags: 'UF,URX' }),
    ).toBe(total);
    // An endpoint was picked before the handshake failed: Istio names its workload.
    expect(labelValues(samples, REQUESTS, toRatings('source'), 'destination_workload')).toEqual([
      'ratings-v1',
    ]);
    expect(labelValues(samples, REQUESTS, toRatings('source'), 'destination_principal')).toEqual(['unknown']);
    expect(sum(samples, REQUESTS, toRatings('destination'))).toBe(0);
  });

  it('DestinationRule tls DISABLE toward a STRICT service: 503 UC, not retried by default; nothing at the destination', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [destinationRule('ratings', { trafficPolicy: { tls: { mode: 'DISABLE' } } }), STRICT],
      'bookinfo',
    );
    const samples = simulate(cluster, 10);
    const total = sum(samples, REQUESTS, toRatings('source'));
    expect(total).toBeGreaterThan(10);
    expect(
      sum(samples, REQUESTS, { ...toRatings('source'), response_code: '503', response_flags: 'UC' }),
    ).toBe(total);
    expect(sum(samples, REQUESTS, toRatings('destination'))).toBe(0);
  });

  it('plaintext callers toward a PERMISSIVE service: the destination reports connection_security_policy none', () => {
    const samples = simulate(bookinfoCluster(), 10);
    const where = {
      reporter: 'destination',
      destination_workload: 'productpage-v1',
      source_workload: 'unknown',
    };
    expect(sum(samples, REQUESTS, where)).toBeGreaterThan(10);
    expect(labelValues(samples, REQUESTS, where, 'connection_security_policy')).toEqual(['none']);
    expect(labelValues(samples, REQUESTS, where, 'source_principal')).toEqual(['unknown']);
  });
});

describe('routes to nothing', () => {
  it('a subset no DestinationRule defines: 503 NC from the caller, unknown destination, Host header as service', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [virtualService('reviews', { route: [{ destination: { host: 'reviews', subset: 'v9' } }] })],
      'bookinfo',
    );
    const samples = simulate(cluster, 10);
    const where = {
      reporter: 'source',
      source_workload: 'productpage-v1',
      destination_service: 'reviews:9080',
      destination_service_name: 'reviews:9080',
      destination_service_namespace: 'unknown',
      destination_workload: 'unknown',
      response_code: '503',
      response_flags: 'NC',
    };
    expect(sum(samples, REQUESTS, where)).toBeGreaterThan(50);
    expect(sum(samples, REQUESTS, { reporter: 'destination', destination_service_name: 'reviews' })).toBe(0);
  });
});

describe('circuit breaker', () => {
  it('connectionPool limits overflow with 503 UO in the caller report, never retried, unknown workload', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        destinationRule('reviews', {
          trafficPolicy: {
            connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } },
          },
        }),
      ],
      'bookinfo',
    );
    // Slow reviews so the single connection is busy; no 5xx answers, so no Envoy retry adds attempts.
    const knobs = knobsWith('reviews-v1', { medianMs: 200, sigma: 0.1 });
    knobs.profiles['reviews-v2'] = { ...knobs.profiles['reviews-v1'], errorPercent: 0 } as WorkloadProfile;
    const samples = simulate(cluster, 30, knobs);
    const sent = sum(samples, REQUESTS, fromProductpage('source'));
    const overflowed = sum(samples, REQUESTS, { ...fromProductpage('source'), response_flags: 'UO' });
    expect(overflowed / sent).toBeGreaterThan(0.2);
    expect(
      labelValues(samples, REQUESTS, { ...fromProductpage('source'), response_flags: 'UO' }, 'response_code'),
    ).toEqual(['503']);
    expect(
      labelValues(
        samples,
        REQUESTS,
        { ...fromProductpage('source'), response_flags: 'UO' },
        'destination_workload',
      ),
    ).toEqual(['unknown']);
    expect(sum(samples, REQUESTS, fromProductpage('destination'))).toBe(sent - overflowed);
  });
});

/** A gRPC pair for the annotation-driven (scale) traffic model: frontend → cart on a `grpc` port. */
function shop(): TestCluster {
  const cluster = new TestCluster().namespace('shop', { 'istio-injection': 'enabled' });
  cluster.apply(
    [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'cart' },
        spec: { selector: { app: 'cart' }, ports: [{ name: 'grpc', port: 7070 }] },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'frontend',
          annotations: { 'sim.sextant.io/calls': 'cart.shop', 'sim.sextant.io/rps': '10' },
        },
        spec: {
          template: {
            metadata: { labels: { app: 'frontend', version: 'v1' } },
            spec: { containers: [{ name: 'app' }] },
          },
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'cart' },
        spec: {
          template: {
            metadata: { labels: { app: 'cart', version: 'v1' } },
            spec: { containers: [{ name: 'app' }] },
          },
        },
      },
    ],
    'shop',
  );
  return cluster;
}

describe('gRPC', () => {
  it('a grpcStatus abort is reported by the caller as 200 with grpc_response_status and FI', () => {
    const cluster = shop();
    cluster.apply(
      [
        virtualService('cart', {
          fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 100 } } },
          route: [{ destination: { host: 'cart' } }],
        }),
      ],
      'shop',
    );
    const samples = run(startTraffic({ cluster, scenario: 'scale', seed: 3, autoTick: false }), 10);
    const where = { reporter: 'source', source_workload: 'frontend', destination_service_name: 'cart' };
    const total = sum(samples, REQUESTS, where);
    expect(total).toBeGreaterThan(50);
    expect(
      sum(samples, REQUESTS, {
        ...where,
        request_protocol: 'grpc',
        response_code: '200',
        grpc_response_status: '14',
        response_flags: 'FI',
      }),
    ).toBe(total);
    expect(sum(samples, REQUESTS, { reporter: 'destination', destination_service_name: 'cart' })).toBe(0);
    // The app sent its message; the aborted call answered trailers only.
    expect(sum(samples, 'istio_request_messages_total', where)).toBe(total);
    expect(sum(samples, 'istio_response_messages_total', where)).toBe(0);
  });

  it('a gRPC route timeout: the caller reports 200 with grpc_response_status 14 and UT, the server 0 DR', () => {
    const cluster = shop();
    cluster.apply(
      [virtualService('cart', { timeout: '1ms', route: [{ destination: { host: 'cart' } }] })],
      'shop',
    );
    const samples = run(startTraffic({ cluster, scenario: 'scale', seed: 3, autoTick: false }), 10);
    const where = { source_workload: 'frontend', destination_service_name: 'cart', request_protocol: 'grpc' };
    const total = sum(samples, REQUESTS, { ...where, reporter: 'source' });
    expect(total).toBeGreaterThan(50);
    expect(
      sum(samples, REQUESTS, {
        ...where,
        reporter: 'source',
        response_code: '200',
        grpc_response_status: '14',
        response_flags: 'UT',
      }),
    ).toBe(total);
    expect(
      sum(samples, REQUESTS, { ...where, reporter: 'destination', response_code: '0', response_flags: 'DR' }),
    ).toBe(total);
  });

  it('a gRPC request to a missing subset gets a gRPC local reply: 200, UNAVAILABLE, NC', () => {
    const cluster = shop();
    cluster.apply(
      [virtualService('cart', { route: [{ destination: { host: 'cart', subset: 'v9' } }] })],
      'shop',
    );
    const samples = run(startTraffic({ cluster, scenario: 'scale', seed: 3, autoTick: false }), 10);
    const where = { reporter: 'source', source_workload: 'frontend', destination_workload: 'unknown' };
    const total = sum(samples, REQUESTS, where);
    expect(total).toBeGreaterThan(50);
    expect(
      sum(samples, REQUESTS, {
        ...where,
        response_code: '200',
        grpc_response_status: '14',
        response_flags: 'NC',
      }),
    ).toBe(total);
  });
});
