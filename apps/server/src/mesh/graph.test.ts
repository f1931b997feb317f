import { describe, expect, it } from 'vitest';
import { buildGraph } from './graph';
import type { GraphOptions } from './graph';
import type { IstioObject, MeshConfig, RequestSample, ServiceInfo, Telemetry, WorkloadInfo } from './types';
import { emptyMeshConfig } from './types';

const wl = (
  namespace: string,
  app: string,
  version: string | undefined,
  hasSidecar = true,
  extra: Record<string, string> = {},
): WorkloadInfo => ({
  name: version ? `${app}-${version}` : app,
  namespace,
  kind: 'Deployment',
  labels: { app, ...(version ? { version } : {}), ...extra },
  app,
  version,
  hasSidecar,
  replicas: 1,
  availableReplicas: 1,
  pods: [],
});
const svc = (namespace: string, name: string): ServiceInfo => ({
  name,
  namespace,
  labels: { app: name },
  selector: { app: name },
  ports: [{ name: 'http', port: 9080 }],
});
const istio = (
  kind: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): IstioObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  metadata: { name, namespace },
  spec,
});

function bookinfoConfig(): MeshConfig {
  return {
    ...emptyMeshConfig(),
    namespaces: [
      { name: 'bookinfo', labels: { 'istio-injection': 'enabled' } },
      { name: 'curl', labels: {} },
      { name: 'istio-system', labels: {} },
    ],
    services: [
      svc('bookinfo', 'productpage'),
      svc('bookinfo', 'reviews'),
      svc('bookinfo', 'ratings'),
      svc('bookinfo', 'details'),
      svc('bookinfo', 'mongodb'),
      svc('curl', 'curl'),
    ],
    workloads: [
      wl('bookinfo', 'productpage', 'v1'),
      wl('bookinfo', 'reviews', 'v1'),
      wl('bookinfo', 'reviews', 'v2'),
      wl('bookinfo', 'reviews', 'v3'),
      wl('bookinfo', 'ratings', 'v1'),
      wl('bookinfo', 'details', 'v1'),
      wl('bookinfo', 'mongodb', 'v1', false),
      wl('curl', 'curl', undefined, false),
      { ...wl('istio-system', 'istio-ingressgateway', undefined, true, { istio: 'ingressgateway' }) },
    ],
    virtualServices: [
      istio('VirtualService', 'bookinfo', 'reviews', {
        hosts: ['reviews'],
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
              { destination: { host: 'reviews', subset: 'v2' }, weight: 20 },
            ],
          },
        ],
      }),
      istio('VirtualService', 'bookinfo', 'bookinfo', {
        hosts: ['*'],
        gateways: ['bookinfo-gateway'],
        http: [
          {
            match: [{ uri: { exact: '/productpage' } }],
            route: [{ destination: { host: 'productpage', port: { number: 9080 } } }],
          },
        ],
      }),
      istio('VirtualService', 'bookinfo', 'details', {
        hosts: ['details.bookinfo.svc.cluster.local'],
        http: [
          {
            fault: { abort: { percentage: { value: 10 }, httpStatus: 500 } },
            timeout: '2s',
            route: [{ destination: { host: 'details' } }],
          },
        ],
      }),
    ],
    destinationRules: [
      istio('DestinationRule', 'bookinfo', 'reviews', {
        host: 'reviews',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' } },
          { name: 'v3', labels: { version: 'v3' } },
        ],
      }),
      istio('DestinationRule', 'bookinfo', 'ratings', {
        host: 'ratings',
        trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1 } },
      }),
    ],
    gateways: [
      istio('Gateway', 'bookinfo', 'bookinfo-gateway', {
        selector: { istio: 'ingressgateway' },
        servers: [],
      }),
    ],
    peerAuthentications: [
      {
        ...istio('PeerAuthentication', 'bookinfo', 'default', { mtls: { mode: 'PERMISSIVE' } }),
        apiVersion: 'security.istio.io/v1',
      },
    ],
  };
}

interface Req {
  from: [string, string, string?, string?]; // workload, namespace, app, version
  svc: [string, string];
  to: [string, string, string?, string?];
  rps: number;
  code?: string;
  flags?: string;
  mtls?: boolean;
  reporter?: 'source' | 'destination';
  protocol?: 'http' | 'grpc';
}
const req = (r: Req): RequestSample => ({
  reporter: r.reporter ?? 'destination',
  source: { workload: r.from[0], namespace: r.from[1], app: r.from[2], version: r.from[3] },
  destination: {
    service: r.svc[0],
    serviceNamespace: r.svc[1],
    workload: r.to[0],
    workloadNamespace: r.to[1],
    app: r.to[2],
    version: r.to[3],
  },
  protocol: r.protocol ?? 'http',
  responseCode: r.code ?? '200',
  responseFlags: r.flags ?? '-',
  securityPolicy: r.mtls === false ? 'none' : 'mutual_tls',
  rps: r.rps,
});

const PP: Req['from'] = ['productpage-v1', 'bookinfo', 'productpage', 'v1'];
const GW: Req['from'] = ['istio-ingressgateway', 'istio-system', 'istio-ingressgateway'];

function bookinfoTelemetry(): Telemetry {
  return {
    requests: [
      req({ from: GW, svc: ['productpage', 'bookinfo'], to: PP, rps: 10 }),
      req({ from: ['curl', 'curl', 'curl'], svc: ['productpage', 'bookinfo'], to: PP, rps: 2, mtls: false }),
      req({
        from: PP,
        svc: ['reviews', 'bookinfo'],
        to: ['reviews-v1', 'bookinfo', 'reviews', 'v1'],
        rps: 8,
      }),
      req({
        from: PP,
        svc: ['reviews', 'bookinfo'],
        to: ['reviews-v2', 'bookinfo', 'reviews', 'v2'],
        rps: 1.9,
      }),
      req({
        from: PP,
        svc: ['reviews', 'bookinfo'],
        to: ['reviews-v2', 'bookinfo', 'reviews', 'v2'],
        rps: 0.1,
        code: '503',
        flags: 'UF',
      }),
      req({
        from: PP,
        svc: ['details', 'bookinfo'],
        to: ['details-v1', 'bookinfo', 'details', 'v1'],
        rps: 8.5,
      }),
      req({
        from: PP,
        svc: ['details', 'bookinfo'],
        to: ['details-v1', 'bookinfo', 'details', 'v1'],
        rps: 1.5,
        code: '404',
      }),
      req({
        from: ['reviews-v2', 'bookinfo', 'reviews', 'v2'],
        svc: ['ratings', 'bookinfo'],
        to: ['ratings-v1', 'bookinfo', 'ratings', 'v1'],
        rps: 2,
      }),
      // Both proxies reported this pair: only the destination's view counts.
      req({
        from: ['reviews-v2', 'bookinfo', 'reviews', 'v2'],
        svc: ['ratings', 'bookinfo'],
        to: ['ratings-v1', 'bookinfo', 'ratings', 'v1'],
        rps: 2,
        reporter: 'source',
      }),
    ],
    latencies: [
      {
        reporter: 'destination',
        source: { workload: 'productpage-v1', namespace: 'bookinfo' },
        destination: {
          service: 'reviews',
          serviceNamespace: 'bookinfo',
          workload: 'reviews-v1',
          workloadNamespace: 'bookinfo',
        },
        p50: 10,
        p95: 40,
        p99: 90,
      },
      {
        reporter: 'destination',
        source: { workload: 'productpage-v1', namespace: 'bookinfo' },
        destination: {
          service: 'reviews',
          serviceNamespace: 'bookinfo',
          workload: 'reviews-v2',
          workloadNamespace: 'bookinfo',
        },
        p50: 20,
        p95: 80,
        p99: null,
      },
    ],
    tcp: [
      {
        reporter: 'source',
        source: { workload: 'ratings-v1', namespace: 'bookinfo', app: 'ratings', version: 'v1' },
        destination: {
          service: 'mongodb',
          serviceNamespace: 'bookinfo',
          workload: 'mongodb-v1',
          workloadNamespace: 'bookinfo',
          app: 'mongodb',
          version: 'v1',
        },
        securityPolicy: 'unknown',
        bytesSentPerSecond: 300,
        bytesReceivedPerSecond: 700,
        connectionsOpenedPerSecond: 0.5,
      },
    ],
  };
}

const opts = (o: Partial<GraphOptions> = {}): GraphOptions => ({
  graphType: 'versionedApp',
  namespaces: ['bookinfo'],
  injectServiceNodes: true,
  idleNodes: false,
  ...o,
});

describe('buildGraph, versionedApp with service nodes', () => {
  const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts());
  const node = (id: string) => g.nodes.find((n) => n.id === id);
  const edge = (id: string) => g.edges.find((e) => e.id === id);

  it('draws callers → service node → versions, boxed by app', () => {
    expect(g.nodes.map((n) => n.id)).toEqual([
      'app:bookinfo:details:v1',
      'app:bookinfo:mongodb:v1',
      'app:bookinfo:productpage:v1',
      'app:bookinfo:ratings:v1',
      'app:bookinfo:reviews:v1',
      'app:bookinfo:reviews:v2',
      'app:curl:curl',
      'app:istio-system:istio-ingressgateway',
      'box:bookinfo:reviews',
      'svc:bookinfo:details',
      'svc:bookinfo:mongodb',
      'svc:bookinfo:productpage',
      'svc:bookinfo:ratings',
      'svc:bookinfo:reviews',
    ]);
    expect(node('app:bookinfo:reviews:v1')?.parent).toBe('box:bookinfo:reviews');
    expect(node('box:bookinfo:reviews')).toMatchObject({ isBox: true, app: 'reviews', health: 'degraded' });
    expect(node('app:bookinfo:productpage:v1')?.parent).toBeUndefined();
  });

  it('reads the canary split on the edges leaving the service node, next to the configured weights', () => {
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v1')).toMatchObject({
      rps: 8,
      percentOfSource: 80,
      configuredWeight: 80,
      errorRate: 0,
    });
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v2')).toMatchObject({
      rps: 2,
      percentOfSource: 20,
      configuredWeight: 20,
      errorRate: 0.05,
    });
    expect(edge('app:bookinfo:productpage:v1->svc:bookinfo:reviews')).toMatchObject({
      rps: 10,
      percentOfSource: 50,
      errorRate: 0.01,
    });
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v2')?.byCode).toEqual({ '200': 1.9, '503': 0.1 });
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v2')?.byFlag).toEqual({ '-': 1.9, UF: 0.1 });
  });

  it('computes mTLS share per edge', () => {
    expect(edge('app:curl:curl->svc:bookinfo:productpage')?.mtlsPercent).toBe(0);
    expect(edge('app:istio-system:istio-ingressgateway->svc:bookinfo:productpage')?.mtlsPercent).toBe(100);
    expect(edge('svc:bookinfo:productpage->app:bookinfo:productpage:v1')).toMatchObject({
      rps: 12,
      mtlsPercent: 83.3333,
    });
  });

  it('weighs response-time quantiles by the traffic behind them', () => {
    expect(edge('svc:bookinfo:reviews->app:bookinfo:reviews:v1')?.responseTimeMs).toEqual({
      p50: 10,
      p95: 40,
      p99: 90,
    });
    // 8 rps at p95 40ms and 2 rps at 80ms.
    expect(edge('app:bookinfo:productpage:v1->svc:bookinfo:reviews')?.responseTimeMs).toEqual({
      p50: 12,
      p95: 48,
      p99: 90,
    });
    expect(edge('svc:bookinfo:details->app:bookinfo:details:v1')?.responseTimeMs).toEqual({
      p50: null,
      p95: null,
      p99: null,
    });
  });

  it('applies Kiali health thresholds', () => {
    expect(node('svc:bookinfo:reviews')?.health).toBe('degraded'); // 1% 5xx
    expect(node('app:bookinfo:reviews:v2')?.health).toBe('degraded'); // 5% 5xx
    expect(node('svc:bookinfo:details')?.health).toBe('degraded'); // 15% 4xx
    expect(node('app:bookinfo:reviews:v1')?.health).toBe('healthy');
    expect(node('app:bookinfo:productpage:v1')?.health).toBe('degraded'); // its calls see 5xx and 4xx
  });

  it('uses the destination reporter when both proxies reported, the source reporter otherwise', () => {
    expect(edge('svc:bookinfo:ratings->app:bookinfo:ratings:v1')?.rps).toBe(2);
    expect(edge('app:bookinfo:ratings:v1->svc:bookinfo:mongodb:tcp')).toMatchObject({
      protocol: 'tcp',
      rps: 0.5,
      tcpBytesPerSecond: 1000,
      percentOfSource: 100,
      mtlsPercent: 0,
    });
  });

  it('carries node traffic, badges and config references', () => {
    expect(node('svc:bookinfo:reviews')).toMatchObject({
      badges: ['TS', 'VS'],
      config: [
        { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
        { kind: 'DestinationRule', namespace: 'bookinfo', name: 'reviews' },
      ],
      traffic: { rpsIn: 10, rpsOut: 10, errorRateIn: 0.01, byCode: { '200': 9.9, '503': 0.1 } },
    });
    expect(node('svc:bookinfo:details')?.badges).toEqual(['FI', 'TO', 'VS']);
    expect(node('svc:bookinfo:ratings')?.badges).toEqual(['CB']);
    // The gateway's catch-all VirtualService (hosts "*") is no rule about productpage.
    expect(node('svc:bookinfo:productpage')?.badges).toEqual([]);
    expect(node('app:curl:curl')).toMatchObject({ hasSidecar: false, badges: ['MS'], health: 'healthy' });
    expect(node('app:istio-system:istio-ingressgateway')?.badges).toEqual(['GW']);
    expect(node('app:istio-system:istio-ingressgateway')?.config).toEqual([
      { kind: 'Gateway', namespace: 'bookinfo', name: 'bookinfo-gateway' },
    ]);
    expect(node('app:bookinfo:reviews:v1')?.config).toEqual([
      { kind: 'PeerAuthentication', namespace: 'bookinfo', name: 'default' },
    ]);
    expect(node('app:bookinfo:mongodb:v1')?.badges).toEqual(['MS']);
  });
});

describe('buildGraph, other graph types and options', () => {
  it('workload graph uses workload nodes', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ graphType: 'workload' }));
    expect(g.edges.map((e) => e.id)).toContain('svc:bookinfo:reviews->wl:bookinfo:reviews-v2');
    expect(g.nodes.find((n) => n.id === 'wl:bookinfo:reviews-v2')).toMatchObject({
      nodeType: 'workload',
      workload: 'reviews-v2',
      app: 'reviews',
      version: 'v2',
    });
    expect(g.nodes.some((n) => n.isBox)).toBe(false);
  });

  it('app graph merges versions into one node', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ graphType: 'app' }));
    const e = g.edges.find((x) => x.id === 'svc:bookinfo:reviews->app:bookinfo:reviews');
    expect(e).toMatchObject({ rps: 10, percentOfSource: 100, configuredWeight: 100 });
  });

  it('service graph draws services only', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ graphType: 'service' }));
    expect(g.edges.map((e) => e.id)).toEqual([
      'app:istio-system:istio-ingressgateway->svc:bookinfo:productpage',
      'svc:bookinfo:productpage->svc:bookinfo:details',
      'svc:bookinfo:productpage->svc:bookinfo:reviews',
      'svc:bookinfo:ratings->svc:bookinfo:mongodb:tcp',
      'svc:bookinfo:reviews->svc:bookinfo:ratings',
      'svc:curl:curl->svc:bookinfo:productpage',
    ]);
  });

  it('without service nodes, callers point straight at versions', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ injectServiceNodes: false }));
    expect(
      g.edges.find((e) => e.id === 'app:bookinfo:productpage:v1->app:bookinfo:reviews:v1'),
    ).toMatchObject({ rps: 8, percentOfSource: 40 });
    expect(g.nodes.some((n) => n.nodeType === 'service')).toBe(false);
  });

  it('idle nodes: services and workloads without traffic, dotted', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ idleNodes: true }));
    expect(g.nodes.find((n) => n.id === 'app:bookinfo:reviews:v3')).toMatchObject({
      isIdle: true,
      parent: 'box:bookinfo:reviews',
      health: 'na',
    });
    expect(g.nodes.find((n) => n.id === 'svc:bookinfo:curl')).toBeUndefined();
    const without = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts());
    expect(without.nodes.find((n) => n.id === 'app:bookinfo:reviews:v3')).toBeUndefined();
  });

  it('draws a configured route with no traffic yet as an idle edge with its weight', () => {
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
    const g = buildGraph(bookinfoTelemetry(), config, opts());
    expect(g.edges.find((e) => e.id === 'svc:bookinfo:reviews->app:bookinfo:reviews:v3')).toMatchObject({
      isIdle: true,
      rps: 0,
      configuredWeight: 50,
      percentOfSource: 0,
    });
    expect(
      g.edges.find((e) => e.id === 'svc:bookinfo:reviews->app:bookinfo:reviews:v2')?.configuredWeight,
    ).toBeUndefined();
    expect(g.nodes.find((n) => n.id === 'app:bookinfo:reviews:v3')?.isIdle).toBe(true);
  });

  it('draws callers the proxies could not identify as one unknown node', () => {
    const t = bookinfoTelemetry();
    t.requests.push(
      req({ from: ['unknown', 'unknown'], svc: ['productpage', 'bookinfo'], to: PP, rps: 1, mtls: false }),
    );
    const g = buildGraph(t, bookinfoConfig(), opts());
    expect(g.nodes.find((n) => n.id === 'unknown')).toMatchObject({
      nodeType: 'unknown',
      hasSidecar: false,
      health: 'na',
      badges: [],
    });
    expect(g.edges.find((e) => e.id === 'unknown->svc:bookinfo:productpage')?.rps).toBe(1);
  });

  it('leaves out traffic that touches none of the namespaces', () => {
    const g = buildGraph(bookinfoTelemetry(), bookinfoConfig(), opts({ namespaces: ['curl'] }));
    expect(g.edges.map((e) => e.id)).toEqual([
      'app:curl:curl->svc:bookinfo:productpage',
      'svc:bookinfo:productpage->app:bookinfo:productpage:v1',
    ]);
  });

  it('marks a service called outside any known workload as external', () => {
    const t = bookinfoTelemetry();
    t.requests.push(
      req({
        from: PP,
        svc: ['api.example.com', 'unknown'],
        to: ['unknown', 'unknown'],
        rps: 1,
        reporter: 'source',
      }),
    );
    const g = buildGraph(t, bookinfoConfig(), opts());
    expect(g.nodes.find((n) => n.id === 'svc:unknown:api.example.com')).toMatchObject({
      nodeType: 'external',
    });
  });
});
