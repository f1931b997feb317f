import { describe, expect, it } from 'vitest';
import { buildGraph } from '.';
import type { GraphOptions } from '.';
import { bookinfoConfig, bookinfoTelemetry, both, PP, report } from './__fixtures__/bookinfo';

const opts = (o: Partial<GraphOptions> = {}): GraphOptions => ({
  graphType: 'versionedApp',
  namespaces: ['bookinfo'],
  injectServiceNodes: true,
  idleNodes: false,
  ...o,
});

describe('buildGraph on bookinfo under faults', () => {
  const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts());
  const node = (id: string) => g.nodes.find((n) => n.id === id);
  const edge = (id: string) => g.edges.find((e) => e.id === id);

  it('shows what the caller experienced: aborts, connection failures, timeouts and no-route', () => {
    const e = edge('app:bookinfo:productpage:v1->svc:bookinfo:reviews');
    expect(e).toMatchObject({ rps: 12, reportedBy: 'source' });
    expect(e?.errorRate).toBeCloseTo(1.6 / 12, 4);
    expect(e?.byFlag).toEqual({ '-': 10.4, UF: 0.1, FI: 1, NR: 0.5 });
    // The caller's 504 counts, once, even though the destination answered 200 later.
    expect(edge('app:bookinfo:productpage:v1->svc:bookinfo:details')).toMatchObject({
      rps: 10,
      errorRate: 0.25,
      byCode: { '200': 7.5, '404': 1.5, '504': 1 },
    });
  });

  it('puts the destination’s view beside the caller’s where they differ', () => {
    expect(edge('app:bookinfo:productpage:v1->svc:bookinfo:details')?.destinationView).toEqual({
      rps: 10,
      errorRate: 0.15,
      byCode: { '200': 8.5, '404': 1.5 },
      byFlag: { '-': 10 },
    });
    expect(
      edge('app:istio-system:istio-ingressgateway->svc:bookinfo:productpage')?.destinationView,
    ).toBeUndefined();
  });

  it('draws requests that reached no workload into an unknown destination, with their flags', () => {
    expect(node('unknown-dest:bookinfo')).toMatchObject({ nodeType: 'unknown', namespace: 'bookinfo' });
    expect(edge('svc:bookinfo:reviews->unknown-dest:bookinfo')).toMatchObject({
      rps: 1.5,
      errorRate: 1,
      byFlag: { FI: 1, NR: 0.5 },
      byCode: { '503': 1.5 },
    });
  });

  it('reads the split between versions without the aborted requests, next to the configured weights', () => {
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v1')).toMatchObject({ configuredWeight: 80 });
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v1')?.percentOfSource).toBeCloseTo(
      (8 / 10.5) * 100,
      3,
    );
  });

  it('takes mTLS from the destination’s report, and 0 where only the caller reported', () => {
    expect(edge('app:bookinfo:productpage:v1->svc:bookinfo:reviews')?.mtlsPercent).toBe(100);
    expect(edge('app:curl:curl->svc:bookinfo:productpage')?.mtlsPercent).toBe(0);
    expect(edge('svc:bookinfo:productpage->app:bookinfo:productpage:v1')?.mtlsPercent).toBeCloseTo(
      1000 / 13,
      3,
    );
    expect(edge('app:bookinfo:ratings:v1->svc:bookinfo:mongodb:tcp')?.mtlsPercent).toBe(0);
  });

  it('takes latency from the caller’s buckets, adding the buckets behind an edge', () => {
    // 8 rps at ≤ 50 ms and 2 rps at ≤ 500 ms, as the caller measured.
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v1')?.responseTimeMs).toEqual({
      p50: 30,
      p95: 48,
      p99: 49.6,
    });
    expect(edge('app:bookinfo:productpage:v1->svc:bookinfo:reviews')?.responseTimeMs.p95).toBe(400);
    // The unknown caller has no proxy: its latency comes from the destination.
    expect(edge('unknown->svc:bookinfo:productpage')?.responseTimeMs.p50).toBe(75);
  });

  it('shares per protocol: HTTP of the HTTP requests, gRPC of the gRPC requests', () => {
    expect(edge('app:bookinfo:reviews:v2->svc:bookinfo:ratings')?.percentOfSource).toBe(100);
    expect(edge('app:bookinfo:reviews:v2->svc:bookinfo:ratings:grpc')).toMatchObject({
      percentOfSource: 100,
      rps: 1,
      errorRate: 0.1,
      byGrpcStatus: { '0': 0.9, '14': 0.1 },
    });
  });

  it('carries TCP bytes both ways and connections opened', () => {
    expect(edge('app:bookinfo:ratings:v1->svc:bookinfo:mongodb:tcp')).toMatchObject({
      protocol: 'tcp',
      rps: 0.5,
      tcpBytesPerSecond: 1000,
      tcpBytesSentPerSecond: 300,
      tcpBytesReceivedPerSecond: 700,
      percentOfSource: 100,
    });
  });

  it('names a workload the cache does not know from its labels', () => {
    expect(node('app:bookinfo:reviews:v4')).toMatchObject({
      nodeType: 'app',
      app: 'reviews',
      version: 'v4',
      parent: 'box:bookinfo:reviews',
    });
  });

  it('applies Kiali’s separate 5xx and 4xx thresholds', () => {
    expect(node('app:bookinfo:reviews:v1')?.health).toBe('healthy');
    expect(node('app:bookinfo:reviews:v2')?.health).toBe('degraded'); // 5% UF
    expect(node('svc:bookinfo:details')?.health).toBe('failure'); // 10% 504
    expect(node('svc:bookinfo:reviews')?.health).toBe('failure');
  });

  it('still enriches from the cache: badges, sidecars, config links', () => {
    expect(node('svc:bookinfo:reviews')?.badges).toEqual(['TS', 'VS']);
    expect(node('app:curl:curl')).toMatchObject({ hasSidecar: false, badges: ['MS'] });
    expect(node('app:istio-system:istio-ingressgateway')?.badges).toEqual(['GW']);
  });
});

describe('buildGraph, graph types and options', () => {
  it('names the unknown workload in every graph type', () => {
    const ids = (graphType: GraphOptions['graphType']) =>
      buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ graphType })).nodes.map((n) => n.id);
    expect(ids('workload')).toContain('wl:bookinfo:reviews-v4');
    expect(ids('app')).toContain('app:bookinfo:reviews');
    expect(ids('app')).not.toContain('wl:bookinfo:reviews-v4');
    expect(ids('versionedApp')).toContain('app:bookinfo:reviews:v4');
  });

  it('service graph: callers become the service their own traffic came through', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ graphType: 'service' }));
    expect(g.edges.map((e) => e.id)).toContain('svc:bookinfo:reviews->svc:bookinfo:ratings:grpc');
    expect(g.edges.map((e) => e.id)).toContain(
      'wl:istio-system:istio-ingressgateway->svc:bookinfo:productpage',
    );
    expect(g.nodes.every((n) => n.nodeType !== 'app')).toBe(true);
  });

  it('without service nodes, callers point straight at versions and at the unknown destination', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ injectServiceNodes: false }));
    expect(g.edges.find((e) => e.id === 'app:bookinfo:productpage:v1->app:bookinfo:reviews:v1')?.rps).toBe(8);
    expect(
      g.edges.find((e) => e.id === 'app:bookinfo:productpage:v1->unknown-dest:bookinfo')?.byFlag,
    ).toEqual({
      FI: 1,
      NR: 0.5,
    });
  });

  it('ends calls to an external service at the service node', () => {
    const t = bookinfoTelemetry();
    t.requests.push(
      report('source', { from: PP, svc: ['api.example.com', 'unknown'], to: ['unknown', 'unknown'], rps: 1 }),
    );
    const g = buildGraph(t, bookinfoConfig(), opts());
    expect(g.nodes.find((n) => n.id === 'svc:unknown:api.example.com')?.nodeType).toBe('external');
    expect(g.edges.filter((e) => e.source === 'svc:unknown:api.example.com')).toEqual([]);
  });

  it('leaves out traffic that touches none of the namespaces', () => {
    const t = {
      requests: both({ from: ['a', 'x', 'a'], svc: ['b', 'y'], to: ['b', 'y', 'b'], rps: 1 }),
      latencies: [],
      tcp: [],
    };
    expect(buildGraph(t, bookinfoConfig(), opts()).edges).toEqual([]);
  });

  it('idle nodes and a configured route without traffic yet', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ idleNodes: true }));
    expect(g.nodes.find((n) => n.id === 'app:bookinfo:reviews:v3')).toMatchObject({
      isIdle: true,
      health: 'na',
    });
    const config = bookinfoConfig();
    const vs = config.virtualServices[0];
    if (!vs?.spec) throw new Error('fixture');
    vs.spec.http = [
      {
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
          { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
        ],
      },
    ];
    const routed = buildGraph(bookinfoTelemetry(), config, opts());
    expect(routed.edges.find((e) => e.id === 'svc:bookinfo:reviews->app:bookinfo:reviews:v3')).toMatchObject({
      isIdle: true,
      rps: 0,
      configuredWeight: 50,
    });
  });
});
