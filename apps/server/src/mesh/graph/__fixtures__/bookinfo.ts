/** A bookinfo mesh for the graph's unit and golden tests. */
import type { IstioKind, IstioKindMap } from '@sextant/shared';
import type {
  Bucket,
  LatencySample,
  MeshConfig,
  RequestSample,
  ServiceInfo,
  TcpSample,
  Telemetry,
  WorkloadInfo,
} from '../../types';
import { emptyMeshConfig } from '../../types';
import { typedIstio } from '../../validations/testInventory';

export const wl = (
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
// Typed through the schema the cache parses with (see mesh/config.ts).
const istio = <K extends IstioKind>(
  kind: K,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): IstioKindMap[K] =>
  typedIstio(kind, { apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace }, spec });

export function bookinfoConfig(): MeshConfig {
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

type Peer = [workload: string, namespace: string, app?: string, version?: string];

export interface Req {
  from: Peer;
  svc: [name: string, namespace: string];
  to: Peer;
  rps: number;
  code?: string;
  flags?: string;
  grpc?: string;
  mtls?: boolean;
  protocol?: 'http' | 'grpc';
}

const peers = (r: { from: Peer; svc: [string, string]; to: Peer }) => ({
  source: { workload: r.from[0], namespace: r.from[1], app: r.from[2], version: r.from[3] },
  destination: {
    service: r.svc[0],
    serviceNamespace: r.svc[1],
    workload: r.to[0],
    workloadNamespace: r.to[1],
    app: r.to[2],
    version: r.to[3],
  },
});

/** One series as one proxy reported it. */
export function report(reporter: 'source' | 'destination', r: Req): RequestSample {
  return {
    reporter,
    ...peers(r),
    protocol: r.protocol ?? 'http',
    responseCode: r.code ?? '200',
    responseFlags: r.flags ?? '-',
    grpcStatus: r.grpc ?? (r.protocol === 'grpc' ? '0' : ''),
    // The caller's proxy cannot tell (Istio writes "unknown").
    securityPolicy: reporter === 'source' ? 'unknown' : r.mtls === false ? 'none' : 'mutual_tls',
    rps: r.rps,
  };
}
/** A request both proxies saw alike (both ends have a sidecar). */
export const both = (r: Req): RequestSample[] => [report('source', r), report('destination', r)];

export function latency(
  reporter: 'source' | 'destination',
  r: { from: Peer; svc: [string, string]; to: Peer },
  buckets: Bucket[],
): LatencySample {
  return { reporter, ...peers(r), buckets };
}

/** Cumulative buckets with `n` requests per second, all at or below `ms`. */
export const at = (ms: number, n: number): Bucket[] => [
  { le: 5, count: ms <= 5 ? n : 0 },
  { le: 10, count: ms <= 10 ? n : 0 },
  { le: 50, count: ms <= 50 ? n : 0 },
  { le: 100, count: ms <= 100 ? n : 0 },
  { le: 500, count: ms <= 500 ? n : 0 },
  { le: 1000, count: ms <= 1000 ? n : 0 },
  { le: 5000, count: ms <= 5000 ? n : 0 },
  { le: Infinity, count: n },
];

export const PP: Peer = ['productpage-v1', 'bookinfo', 'productpage', 'v1'];
export const GW: Peer = ['istio-ingressgateway', 'istio-system', 'istio-ingressgateway'];
export const R1: Peer = ['reviews-v1', 'bookinfo', 'reviews', 'v1'];
export const R2: Peer = ['reviews-v2', 'bookinfo', 'reviews', 'v2'];
/** A version the cache does not know (deleted since, or hidden by RBAC). */
export const R4: Peer = ['reviews-v4', 'bookinfo', 'reviews', 'v4'];
export const RT: Peer = ['ratings-v1', 'bookinfo', 'ratings', 'v1'];
export const DT: Peer = ['details-v1', 'bookinfo', 'details', 'v1'];
export const MONGO: Peer = ['mongodb-v1', 'bookinfo', 'mongodb', 'v1'];
export const NOBODY: Peer = ['unknown', 'unknown'];
const REVIEWS: [string, string] = ['reviews', 'bookinfo'];

/**
 * One minute of bookinfo under faults, as both proxies reported it: what the golden files and
 * the stage tests read.
 */
export function bookinfoTelemetry(): Telemetry {
  const requests: RequestSample[] = [
    ...both({ from: GW, svc: ['productpage', 'bookinfo'], to: PP, rps: 10 }),
    // curl has no sidecar: only the destination reports it, and cannot name it.
    report('destination', {
      from: ['curl', 'curl', 'curl'],
      svc: ['productpage', 'bookinfo'],
      to: PP,
      rps: 2,
      mtls: false,
    }),
    report('destination', { from: NOBODY, svc: ['productpage', 'bookinfo'], to: PP, rps: 1, mtls: false }),
    ...both({ from: PP, svc: REVIEWS, to: R1, rps: 8 }),
    ...both({ from: PP, svc: REVIEWS, to: R2, rps: 1.9 }),
    ...both({ from: PP, svc: REVIEWS, to: R4, rps: 0.5 }),
    // Only the caller saw these: a connection failure, a fault abort, a missing subset.
    report('source', { from: PP, svc: REVIEWS, to: R2, rps: 0.1, code: '503', flags: 'UF' }),
    report('source', { from: PP, svc: REVIEWS, to: NOBODY, rps: 1, code: '503', flags: 'FI' }),
    report('source', { from: PP, svc: REVIEWS, to: NOBODY, rps: 0.5, code: '503', flags: 'NR' }),
    // The caller timed out a request the destination answered 200 later.
    report('source', { from: PP, svc: ['details', 'bookinfo'], to: DT, rps: 1, code: '504', flags: 'UT' }),
    report('destination', { from: PP, svc: ['details', 'bookinfo'], to: DT, rps: 1 }),
    ...both({ from: PP, svc: ['details', 'bookinfo'], to: DT, rps: 7.5 }),
    ...both({ from: PP, svc: ['details', 'bookinfo'], to: DT, rps: 1.5, code: '404' }),
    ...both({ from: R2, svc: ['ratings', 'bookinfo'], to: RT, rps: 2 }),
    ...both({ from: R2, svc: ['ratings', 'bookinfo'], to: RT, rps: 0.9, protocol: 'grpc' }),
    ...both({ from: R2, svc: ['ratings', 'bookinfo'], to: RT, rps: 0.1, protocol: 'grpc', grpc: '14' }),
  ];
  const latencies: LatencySample[] = [
    // The caller waited longer than the destination worked (proxy, network, an injected delay).
    latency('source', { from: PP, svc: REVIEWS, to: R1 }, at(50, 8)),
    latency('destination', { from: PP, svc: REVIEWS, to: R1 }, at(10, 8)),
    latency('source', { from: PP, svc: REVIEWS, to: R2 }, at(500, 2)),
    latency('destination', { from: PP, svc: REVIEWS, to: R2 }, at(100, 1.9)),
    latency('destination', { from: NOBODY, svc: ['productpage', 'bookinfo'], to: PP }, at(100, 1)),
  ];
  const tcp: TcpSample[] = [
    {
      reporter: 'source',
      ...peers({ from: RT, svc: ['mongodb', 'bookinfo'], to: MONGO }),
      securityPolicy: 'unknown',
      responseFlags: '-',
      bytesToDestinationPerSecond: 300,
      bytesFromDestinationPerSecond: 700,
      connectionsOpenedPerSecond: 0.5,
    },
  ];
  return { requests, latencies, tcp };
}
