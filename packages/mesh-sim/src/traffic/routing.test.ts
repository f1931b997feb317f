import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { buildSnapshot } from './mesh';
import type { MeshSnapshot, PodInfo } from './mesh';
import { createRandom } from './random';
import { formatFlags } from './flags';
import { matchesRequest, parseDuration, retryPolicy, routeHttp, stringMatches } from './routing';
import type { Caller, HttpRequest, RouteDecision } from './routing';
import { bookinfoCluster, loadFixture } from './test-cluster';
import type { TestCluster } from './test-cluster';

const productpageCaller: Caller = { namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' } };
const get = (host: string, headers: Record<string, string> = {}, path = '/'): HttpRequest => ({
  host,
  port: 9080,
  method: 'GET',
  path,
  headers,
});

function withNetworking(file: string): { cluster: TestCluster; snapshot: MeshSnapshot } {
  const cluster = bookinfoCluster();
  cluster.apply(loadFixture(`bookinfo/networking/${file}`), 'bookinfo');
  return { cluster, snapshot: buildSnapshot(cluster) };
}

function versionsOf(
  snapshot: MeshSnapshot,
  caller: Caller,
  request: HttpRequest,
  n: number,
  seed = 1,
): Record<string, number> {
  const random = createRandom(seed);
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const decision = routeHttp(snapshot, caller, request, random);
    const label =
      decision.kind === 'forward' ? (decision.endpoints[0]?.labels.version ?? '?') : `${decision.kind}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

function forwardEndpoints(decision: RouteDecision): PodInfo[] {
  if (decision.kind !== 'forward') throw new Error(`expected forward, got ${JSON.stringify(decision)}`);
  return decision.endpoints;
}

describe('routeHttp', () => {
  it('splits reviews 80/20 by weight (virtual-service-reviews-80-20.yaml)', () => {
    const snapshot = buildSnapshot(bookinfoCluster());
    const counts = versionsOf(snapshot, productpageCaller, get('reviews'), 10_000);
    expect(Object.keys(counts).sort()).toEqual(['v1', 'v2']);
    expect((counts.v1 ?? 0) / 10_000).toBeGreaterThan(0.78);
    expect((counts.v1 ?? 0) / 10_000).toBeLessThan(0.82);
  });

  it('sends jason to v2 and everyone else to v3 (virtual-service-reviews-jason-v2-v3.yaml)', () => {
    const { snapshot } = withNetworking('virtual-service-reviews-jason-v2-v3.yaml');
    const random = createRandom(3);
    const jason = forwardEndpoints(
      routeHttp(snapshot, productpageCaller, get('reviews', { 'end-user': 'jason' }), random),
    );
    const other = forwardEndpoints(
      routeHttp(snapshot, productpageCaller, get('reviews', { 'end-user': 'alice' }), random),
    );
    const anonymous = forwardEndpoints(routeHttp(snapshot, productpageCaller, get('reviews'), random));
    expect(jason.map((p) => p.workload.name)).toEqual(['reviews-v2']);
    expect(other.map((p) => p.workload.name)).toEqual(['reviews-v3']);
    expect(anonymous.map((p) => p.workload.name)).toEqual(['reviews-v3']);
  });

  it('aborts jason with 500 FI and routes others (virtual-service-ratings-test-abort.yaml)', () => {
    const { snapshot } = withNetworking('virtual-service-ratings-test-abort.yaml');
    const caller: Caller = { namespace: 'bookinfo', labels: { app: 'reviews', version: 'v2' } };
    const random = createRandom(1);
    const aborted = routeHttp(snapshot, caller, get('ratings', { 'end-user': 'jason' }), random);
    expect(aborted).toMatchObject({ kind: 'respond', code: 500, flags: 'FI' });
    expect(aborted.kind === 'respond' && aborted.service?.name).toBe('ratings');
    expect(routeHttp(snapshot, caller, get('ratings'), random).kind).toBe('forward');
  });

  it('delays jason by 7s (virtual-service-ratings-test-delay.yaml)', () => {
    const { snapshot } = withNetworking('virtual-service-ratings-test-delay.yaml');
    const caller: Caller = { namespace: 'bookinfo', labels: { app: 'reviews', version: 'v2' } };
    const random = createRandom(1);
    expect(routeHttp(snapshot, caller, get('ratings', { 'end-user': 'jason' }), random)).toMatchObject({
      kind: 'forward',
      delayMs: 7000,
    });
    expect(routeHttp(snapshot, caller, get('ratings'), random)).toMatchObject({
      kind: 'forward',
      delayMs: 0,
    });
  });

  it('aborts details with 555 FI for everyone (fault-injection-details-v1.yaml)', () => {
    const { snapshot } = withNetworking('fault-injection-details-v1.yaml');
    expect(routeHttp(snapshot, productpageCaller, get('details'), createRandom(1))).toMatchObject({
      kind: 'respond',
      code: 555,
      flags: 'FI',
    });
  });

  it('fails a route to an undefined subset with 503 NC and no destination service (no cluster)', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'reviews' },
          spec: {
            hosts: ['reviews'],
            http: [{ route: [{ destination: { host: 'reviews', subset: 'v9' } }] }],
          },
        },
      ],
      'bookinfo',
    );
    expect(
      routeHttp(buildSnapshot(cluster), productpageCaller, get('reviews'), createRandom(1)),
    ).toMatchObject({ kind: 'respond', code: 503, flags: 'NC', service: undefined });
  });

  it('uses every endpoint of the service when no VirtualService exists', () => {
    const cluster = bookinfoCluster();
    cluster.remove('VirtualService', 'bookinfo', 'reviews');
    const endpoints = forwardEndpoints(
      routeHttp(buildSnapshot(cluster), productpageCaller, get('reviews'), createRandom(1)),
    );
    expect(endpoints.map((p) => p.workload.name).sort()).toEqual(['reviews-v1', 'reviews-v2', 'reviews-v3']);
  });

  it('routes gateway traffic by URI (bookinfo-gateway.yaml) and answers 404 NR otherwise', () => {
    const snapshot = buildSnapshot(bookinfoCluster());
    const gatewayPod = snapshot.workloads.get('istio-system/istio-ingressgateway')?.pods[0];
    expect(gatewayPod).toBeDefined();
    const caller: Caller = {
      namespace: 'istio-system',
      labels: gatewayPod?.labels ?? {},
      ...(gatewayPod ? { gatewayPod } : {}),
    };
    const random = createRandom(1);
    for (const path of ['/productpage', '/static/x.css', '/api/v1/products', '/login']) {
      const decision = routeHttp(
        snapshot,
        caller,
        { host: 'bookinfo.example.com', port: 8080, method: 'GET', path, headers: {} },
        random,
      );
      expect(decision.kind === 'forward' && decision.service.name, path).toBe('productpage');
    }
    expect(
      routeHttp(
        snapshot,
        caller,
        { host: 'bookinfo.example.com', port: 8080, method: 'GET', path: '/admin', headers: {} },
        random,
      ),
    ).toMatchObject({ kind: 'respond', code: 404, flags: 'NR' });
  });

  it('applies timeout, retries and mirror from the matched rule', () => {
    const cluster = bookinfoCluster();
    const vs: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews' },
      spec: {
        hosts: ['reviews.bookinfo.svc.cluster.local'],
        http: [
          {
            match: [{ uri: { regex: '/reviews/[0-9]+' }, method: { exact: 'GET' } }],
            timeout: '0.5s',
            retries: { attempts: 3, perTryTimeout: '100ms', retryOn: '5xx' },
            mirror: { host: 'reviews', subset: 'v3' },
            mirrorPercentage: { value: 25 },
            route: [{ destination: { host: 'reviews', subset: 'v1' } }],
          },
        ],
      },
    };
    cluster.apply([vs], 'bookinfo');
    const decision = routeHttp(
      buildSnapshot(cluster),
      productpageCaller,
      get('reviews', {}, '/reviews/42'),
      createRandom(1),
    );
    if (decision.kind !== 'forward') throw new Error('expected forward');
    expect(decision.timeoutMs).toBe(500);
    expect(decision.retries.attempts).toBe(3);
    expect(decision.retries.perTryTimeoutMs).toBe(100);
    expect(decision.retries.retriesResponse(500)).toBe(true);
    expect(decision.retries.retriesResponse(404)).toBe(false);
    // 5xx also retries resets and per-try timeouts, never an overflow.
    expect(decision.retries.retriesReset('timeout')).toBe(true);
    expect(decision.retries.retriesReset('connection-termination')).toBe(true);
    expect(decision.retries.retriesReset('overflow')).toBe(false);
    expect(decision.mirrors.map((m) => [m.endpoints[0]?.workload.name, m.percent])).toEqual([
      ['reviews-v3', 25],
    ]);
    // The regex is anchored: a longer path does not match, so no rule applies → 404 NR.
    expect(
      routeHttp(
        buildSnapshot(cluster),
        productpageCaller,
        get('reviews', {}, '/reviews/42/x'),
        createRandom(1),
      ),
    ).toMatchObject({ code: 404, flags: 'NR' });
  });
});

describe('retryPolicy (Envoy retry conditions under Istio defaults)', () => {
  it("Istio's default retries 503 and gRPC UNAVAILABLE answers and failed connections only", () => {
    const policy = retryPolicy(undefined);
    expect(policy.attempts).toBe(2);
    expect(policy.retriesResponse(503)).toBe(true);
    expect(policy.retriesResponse(500)).toBe(false);
    expect(policy.retriesResponse(200, 14)).toBe(true);
    expect(policy.retriesResponse(200, 2)).toBe(false);
    expect(policy.retriesReset('connect-failure')).toBe(true);
    // A STRICT server closing a plaintext connection, or a per-try timeout: not retried by default.
    expect(policy.retriesReset('connection-termination')).toBe(false);
    expect(policy.retriesReset('timeout')).toBe(false);
    expect(policy.retriesReset('overflow')).toBe(false);
  });

  it('reads numbers in retryOn as retriable status codes and gateway-error as 502/503/504 plus resets', () => {
    const codes = retryPolicy({ attempts: 3, retryOn: '502,connect-failure' });
    expect(codes.retriesResponse(502)).toBe(true);
    expect(codes.retriesResponse(503)).toBe(false);
    const gateway = retryPolicy({ attempts: 1, retryOn: 'gateway-error', perTryTimeout: '50ms' });
    expect(gateway.perTryTimeoutMs).toBe(50);
    expect(gateway.retriesResponse(504)).toBe(true);
    expect(gateway.retriesResponse(500)).toBe(false);
    expect(gateway.retriesReset('timeout')).toBe(true);
    expect(retryPolicy({ attempts: 0 }).attempts).toBe(0);
  });
});

describe('formatFlags', () => {
  it("writes flags in Envoy's order, '-' for none", () => {
    expect(formatFlags([])).toBe('-');
    expect(formatFlags(['URX', 'UF'])).toBe('UF,URX');
    expect(formatFlags(['URX', 'UC'])).toBe('UC,URX');
    expect(formatFlags(['DI', 'UT'])).toBe('UT,DI');
    expect(formatFlags(['FI', 'DI', 'FI'])).toBe('DI,FI');
  });
});

describe('matching helpers', () => {
  it('implements exact, prefix, regex and presence StringMatch', () => {
    expect(stringMatches({ exact: 'jason' }, 'jason')).toBe(true);
    expect(stringMatches({ exact: 'jason' }, 'jasonx')).toBe(false);
    expect(stringMatches({ prefix: '/static' }, '/static/a.js')).toBe(true);
    expect(stringMatches({ regex: 'ja.*' }, 'jason')).toBe(true);
    expect(stringMatches({ regex: 'ason' }, 'jason')).toBe(false);
    expect(stringMatches({}, 'anything')).toBe(true);
    expect(stringMatches({}, undefined)).toBe(false);
  });

  it('ANDs conditions inside one match, including sourceLabels and withoutHeaders', () => {
    const caller: Caller = { namespace: 'bookinfo', labels: { app: 'reviews', version: 'v2' } };
    const request = get('ratings', { 'end-user': 'jason', 'x-canary': '1' }, '/ratings/0?x=1');
    expect(
      matchesRequest(
        { headers: { 'End-User': { exact: 'jason' } }, sourceLabels: { app: 'reviews' } },
        request,
        caller,
        ['mesh'],
      ),
    ).toBe(true);
    expect(
      matchesRequest(
        { headers: { 'end-user': { exact: 'jason' } }, sourceLabels: { version: 'v3' } },
        request,
        caller,
        ['mesh'],
      ),
    ).toBe(false);
    expect(matchesRequest({ withoutHeaders: { 'x-canary': {} } }, request, caller, ['mesh'])).toBe(false);
    expect(
      matchesRequest({ queryParams: { x: { exact: '1' } }, uri: { exact: '/ratings/0' } }, request, caller, [
        'mesh',
      ]),
    ).toBe(true);
    expect(matchesRequest({ method: { exact: 'POST' } }, request, caller, ['mesh'])).toBe(false);
  });

  it('parses Istio durations', () => {
    expect(parseDuration('7s')).toBe(7000);
    expect(parseDuration('0.5s')).toBe(500);
    expect(parseDuration('100ms')).toBe(100);
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('soon')).toBeUndefined();
  });
});

describe('VirtualService scope', () => {
  it('does not apply a VirtualService for `reviews` in another namespace', () => {
    const cluster = bookinfoCluster().namespace('other');
    cluster.remove('VirtualService', 'bookinfo', 'reviews');
    cluster.apply(
      [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'reviews-elsewhere' },
          spec: {
            hosts: ['reviews'],
            http: [
              {
                fault: { abort: { httpStatus: 418, percentage: { value: 100 } } },
                route: [{ destination: { host: 'reviews' } }],
              },
            ],
          },
        },
      ],
      'other',
    );
    const endpoints = forwardEndpoints(
      routeHttp(buildSnapshot(cluster), productpageCaller, get('reviews'), createRandom(1)),
    );
    expect(endpoints.map((p) => p.workload.name).sort()).toEqual(['reviews-v1', 'reviews-v2', 'reviews-v3']);
  });
});
