import type {
  AuthorizationPolicy,
  DestinationRule,
  Gateway,
  PeerAuthentication,
  RequestAuthentication,
  ServiceEntry,
  Sidecar,
  UnreadableIstioObject,
  VirtualService,
} from '@sextant/shared';

/**
 * Plain data the pure graph code works on. Nothing here knows about Prometheus or the
 * Kubernetes client: `prom/` and `kube/` translate into these shapes.
 */

/** The slice of a Kubernetes object `mesh/` reads; everything else rides along untouched. */
export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean }[];
    [key: string]: unknown;
  };
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface ServiceInfo {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** Pod selector; undefined for selector-less services. */
  selector?: Record<string, string>;
  ports: ServicePort[];
  type?: string;
  clusterIP?: string;
}

/** A Deployment (or a bare pod group) as the graph sees it. */
export interface WorkloadInfo {
  name: string;
  namespace: string;
  kind: string;
  /** Labels of the pods (the pod template's labels for a Deployment). */
  labels: Record<string, string>;
  app?: string;
  version?: string;
  /** True when the pods run an Istio proxy (injected sidecar, or a gateway proxy). */
  hasSidecar: boolean;
  replicas: number;
  availableReplicas: number;
  /** Pods actually seen in the cache, by name. */
  pods: string[];
  /** The pod template's (or pod's) serviceAccountName; Kubernetes runs pods without one as `default`. */
  serviceAccount?: string;
}

/** An Istio custom resource with the fields `mesh/` reads. */
export interface IstioObject extends K8sObject {
  kind: string;
  spec?: Record<string, unknown>;
}

/**
 * Everything the graph needs from configuration, snapshotted from the informer cache. Istio
 * objects are typed once at the cache's edge (`mesh/config.ts`); one that does not match its
 * schema is left out of the typed lists and kept in `unreadable`, so validations report it.
 */
export interface MeshConfig {
  namespaces: NamespaceInfo[];
  services: ServiceInfo[];
  workloads: WorkloadInfo[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  gateways: Gateway[];
  serviceEntries: ServiceEntry[];
  sidecars: Sidecar[];
  peerAuthentications: PeerAuthentication[];
  authorizationPolicies: AuthorizationPolicy[];
  requestAuthentications: RequestAuthentication[];
  unreadable: UnreadableIstioObject[];
}

export const emptyMeshConfig = (): MeshConfig => ({
  namespaces: [],
  services: [],
  workloads: [],
  virtualServices: [],
  destinationRules: [],
  gateways: [],
  serviceEntries: [],
  sidecars: [],
  peerAuthentications: [],
  authorizationPolicies: [],
  requestAuthentications: [],
  unreadable: [],
});

/** One side of a telemetry sample. `workload` is `unknown` when the proxy could not tell. */
export interface SourcePeer {
  workload: string;
  namespace: string;
  app?: string;
  version?: string;
}

export interface DestinationPeer {
  /** Short service name (`reviews`), or the host for a ServiceEntry/unknown service. */
  service: string;
  serviceNamespace: string;
  workload: string;
  workloadNamespace: string;
  app?: string;
  version?: string;
}

export type Reporter = 'source' | 'destination';
export type TrafficProtocol = 'http' | 'grpc' | 'tcp';

/** Requests per second for one combination of peers, protocol, code and flags. */
export interface RequestSample {
  reporter: Reporter;
  source: SourcePeer;
  destination: DestinationPeer;
  protocol: TrafficProtocol;
  /** HTTP status; `0` when no response came back (reset, connection failure). */
  responseCode: string;
  /** Envoy's flags, comma-separated (`URX,UC`), `-` for none. */
  responseFlags: string;
  /** gRPC status number for gRPC requests (`0` OK); empty or absent otherwise. */
  grpcStatus?: string;
  /** `mutual_tls`, `none` or `unknown` (the source reporter cannot tell). */
  securityPolicy: string;
  rps: number;
}

/** One cumulative histogram bucket: requests per second that took at most `le` ms. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * Response-time buckets of one workload-level peer combination. Kept as buckets (not quantiles)
 * so the graph can add up the buckets of every series behind an edge and take the quantile of
 * the sum, as Prometheus's histogram_quantile would; averaging quantiles is wrong.
 */
export interface LatencySample {
  reporter: Reporter;
  source: SourcePeer;
  destination: DestinationPeer;
  buckets: Bucket[];
}

export interface TcpSample {
  reporter: Reporter;
  source: SourcePeer;
  destination: DestinationPeer;
  securityPolicy: string;
  /** Envoy's flags on the connection (`UF`, `UO`, …), `-` for none. */
  responseFlags: string;
  /** Bytes per second from the source to the destination (Istio's `istio_tcp_received_bytes_total`). */
  bytesToDestinationPerSecond: number;
  /** Bytes per second from the destination back to the source (Istio's `istio_tcp_sent_bytes_total`). */
  bytesFromDestinationPerSecond: number;
  connectionsOpenedPerSecond: number;
}

export interface Telemetry {
  requests: RequestSample[];
  latencies: LatencySample[];
  tcp: TcpSample[];
}

export const emptyTelemetry = (): Telemetry => ({ requests: [], latencies: [], tcp: [] });
