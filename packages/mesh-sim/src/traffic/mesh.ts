import type { ClusterView, KubeObject } from '../cluster/types';
import type { PeerLabels, ReporterPod, ServiceLabels } from '../metrics/istio';

/**
 * What the traffic model needs to know about the cluster, rebuilt from the live objects
 * whenever they change (the way istiod pushes a new config to the proxies).
 */

export const CLUSTER_DOMAIN = 'svc.cluster.local';
export const CLUSTER_ID = 'Kubernetes';
export const ROOT_NAMESPACE = 'istio-system';

export interface PodInfo {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ready: boolean;
  /** Has an Envoy that reports: an injected `istio-proxy` sidecar, or a gateway's own proxy. */
  hasProxy: boolean;
  serviceAccount: string;
  workload: WorkloadInfo;
  /** Peer labels this pod's proxy announces (principal included; callers blank it without mTLS). */
  peer: PeerLabels;
  /** What Prometheus' kubernetes-pods job adds to this pod's series. */
  reporter: ReporterPod;
}

export interface WorkloadInfo {
  name: string;
  namespace: string;
  /** Pod template labels (or the pod's labels for a bare pod). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  pods: PodInfo[];
  isGateway: boolean;
}

export interface ServicePort {
  port: number;
  targetPort: number;
  name: string;
  protocol: 'http' | 'grpc' | 'tcp';
}

export interface ServiceInfo {
  name: string;
  namespace: string;
  fqdn: string;
  selector: Record<string, string>;
  ports: ServicePort[];
  labels: ServiceLabels;
}

export interface MeshSnapshot {
  namespaces: Map<string, Record<string, string>>;
  services: Map<string, ServiceInfo>;
  workloads: Map<string, WorkloadInfo>;
  workloadsByNamespace: Map<string, WorkloadInfo[]>;
  virtualServices: KubeObject[];
  destinationRules: KubeObject[];
  gateways: KubeObject[];
  peerAuthentications: KubeObject[];
}

export const RESOURCES = {
  namespaces: 'namespaces',
  pods: 'pods',
  services: 'services',
  replicaSets: 'replicasets.apps',
  deployments: 'deployments.apps',
  virtualServices: 'virtualservices.networking.istio.io',
  destinationRules: 'destinationrules.networking.istio.io',
  gateways: 'gateways.networking.istio.io',
  peerAuthentications: 'peerauthentications.security.istio.io',
} as const;

/** The resources whose changes require a new snapshot. */
export const WATCHED_RESOURCES: ReadonlySet<string> = new Set(Object.values(RESOURCES));

export const key = (namespace: string, name: string): string => `${namespace}/${name}`;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Reads objects that may be missing from the cluster (a resource not registered yet). */
function safeList(view: ClusterView, resource: string): KubeObject[] {
  try {
    return view.list(resource);
  } catch {
    return [];
  }
}

/** Istio's protocol selection: appProtocol, then the port-name prefix; unnamed ports are treated as HTTP here. */
export function portProtocol(name: string, appProtocol?: string): 'http' | 'grpc' | 'tcp' {
  const value = (appProtocol ?? name.split('-')[0] ?? '').toLowerCase();
  if (value.startsWith('grpc')) return 'grpc';
  if (['tcp', 'mongo', 'mysql', 'redis', 'tls'].includes(value)) return 'tcp';
  return 'http';
}

export function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

function podReady(pod: KubeObject): boolean {
  const status = record(pod.status);
  if (status.phase !== undefined && status.phase !== 'Running') return false;
  const conditions = array(status.conditions).map(record);
  const ready = conditions.find((c) => c.type === 'Ready');
  return ready === undefined || ready.status === 'True';
}

function hasSidecar(pod: KubeObject): boolean {
  const containers = array(record(pod.spec).containers).map(record);
  const initContainers = array(record(pod.spec).initContainers).map(record);
  return [...containers, ...initContainers].some((c) => c.name === 'istio-proxy');
}

function isGatewayPod(labels: Record<string, string>): boolean {
  const istio = labels.istio;
  return (
    istio === 'ingressgateway' ||
    istio === 'egressgateway' ||
    labels['gateway.istio.io/managed'] !== undefined
  );
}

function peerFor(
  workload: string,
  namespace: string,
  labels: Record<string, string>,
  sa: string,
): PeerLabels {
  return {
    workload,
    namespace,
    principal: `spiffe://cluster.local/ns/${namespace}/sa/${sa}`,
    app: labels.app ?? 'unknown',
    version: labels.version ?? 'unknown',
    canonicalService:
      labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels.app ?? workload,
    canonicalRevision:
      labels['service.istio.io/canonical-revision'] ??
      labels['app.kubernetes.io/version'] ??
      labels.version ??
      'latest',
    cluster: CLUSTER_ID,
  };
}

/** The Deployment (or other top controller) a pod belongs to, as Istio names workloads. */
function workloadNameOf(pod: KubeObject, replicaSets: Map<string, KubeObject>): string {
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller ?? true);
  if (!owner) return pod.metadata.name;
  if (owner.kind !== 'ReplicaSet') return owner.name;
  const rs = replicaSets.get(key(pod.metadata.namespace ?? 'default', owner.name));
  const rsOwner = rs?.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
  if (rsOwner) return rsOwner.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
  return owner.name;
}

export function buildSnapshot(view: ClusterView): MeshSnapshot {
  const namespaces = new Map<string, Record<string, string>>();
  for (const ns of safeList(view, RESOURCES.namespaces))
    namespaces.set(ns.metadata.name, ns.metadata.labels ?? {});

  const replicaSets = new Map<string, KubeObject>();
  for (const rs of safeList(view, RESOURCES.replicaSets)) {
    replicaSets.set(key(rs.metadata.namespace ?? 'default', rs.metadata.name), rs);
  }

  const workloads = new Map<string, WorkloadInfo>();
  for (const deployment of safeList(view, RESOURCES.deployments)) {
    const namespace = deployment.metadata.namespace ?? 'default';
    const template = record(record(deployment.spec).template);
    const templateMeta = record(template.metadata);
    workloads.set(key(namespace, deployment.metadata.name), {
      name: deployment.metadata.name,
      namespace,
      labels: stringRecord(templateMeta.labels),
      annotations: { ...stringRecord(templateMeta.annotations), ...(deployment.metadata.annotations ?? {}) },
      pods: [],
      isGateway: isGatewayPod(stringRecord(templateMeta.labels)),
    });
  }

  for (const pod of safeList(view, RESOURCES.pods)) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    const namespace = pod.metadata.namespace ?? 'default';
    const labels = pod.metadata.labels ?? {};
    const workloadName = workloadNameOf(pod, replicaSets);
    let workload = workloads.get(key(namespace, workloadName));
    if (!workload) {
      workload = {
        name: workloadName,
        namespace,
        labels,
        annotations: pod.metadata.annotations ?? {},
        pods: [],
        isGateway: isGatewayPod(labels),
      };
      workloads.set(key(namespace, workloadName), workload);
    }
    const spec = record(pod.spec);
    const sa = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default';
    const node = typeof spec.nodeName === 'string' ? spec.nodeName : undefined;
    workload.pods.push({
      name: pod.metadata.name,
      namespace,
      labels,
      ready: podReady(pod),
      hasProxy: hasSidecar(pod) || isGatewayPod(labels),
      serviceAccount: sa,
      workload,
      peer: peerFor(workloadName, namespace, labels, sa),
      reporter: { namespace, name: pod.metadata.name, labels, ...(node ? { node } : {}) },
    });
  }

  const services = new Map<string, ServiceInfo>();
  for (const svc of safeList(view, RESOURCES.services)) {
    const namespace = svc.metadata.namespace ?? 'default';
    const spec = record(svc.spec);
    const fqdn = `${svc.metadata.name}.${namespace}.${CLUSTER_DOMAIN}`;
    const ports = array(spec.ports).map((raw): ServicePort => {
      const p = record(raw);
      const port = typeof p.port === 'number' ? p.port : 80;
      const name = typeof p.name === 'string' ? p.name : '';
      return {
        port,
        targetPort: typeof p.targetPort === 'number' ? p.targetPort : port,
        name,
        protocol: portProtocol(name, typeof p.appProtocol === 'string' ? p.appProtocol : undefined),
      };
    });
    services.set(key(namespace, svc.metadata.name), {
      name: svc.metadata.name,
      namespace,
      fqdn,
      selector: stringRecord(spec.selector),
      ports,
      labels: { host: fqdn, name: svc.metadata.name, namespace },
    });
  }

  const workloadsByNamespace = new Map<string, WorkloadInfo[]>();
  for (const workload of workloads.values()) {
    const list = workloadsByNamespace.get(workload.namespace) ?? [];
    list.push(workload);
    workloadsByNamespace.set(workload.namespace, list);
  }

  return {
    namespaces,
    services,
    workloads,
    workloadsByNamespace,
    virtualServices: byCreation(safeList(view, RESOURCES.virtualServices)),
    destinationRules: byCreation(safeList(view, RESOURCES.destinationRules)),
    gateways: safeList(view, RESOURCES.gateways),
    peerAuthentications: safeList(view, RESOURCES.peerAuthentications),
  };
}

/** Istio resolves conflicts between configs by age, oldest first. */
function byCreation(objects: KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta < tb ? -1 : 1;
    return key(a.metadata.namespace ?? '', a.metadata.name) < key(b.metadata.namespace ?? '', b.metadata.name)
      ? -1
      : 1;
  });
}

// PERFORMANCE: endpoints are looked up for every simulated request; memoize them per snapshot.
const endpointMemo = new WeakMap<MeshSnapshot, Map<string, PodInfo[]>>();

/** Ready pods backing a service (its selector), optionally narrowed by subset labels. */
export function endpointsOf(
  snapshot: MeshSnapshot,
  service: ServiceInfo,
  subsetLabels?: Record<string, string>,
): PodInfo[] {
  let memo = endpointMemo.get(snapshot);
  if (!memo) {
    memo = new Map();
    endpointMemo.set(snapshot, memo);
  }
  const memoKey = `${service.namespace}/${service.name}|${subsetLabels ? JSON.stringify(subsetLabels) : ''}`;
  const cached = memo.get(memoKey);
  if (cached) return cached;
  const out: PodInfo[] = [];
  if (Object.keys(service.selector).length > 0) {
    for (const workload of snapshot.workloadsByNamespace.get(service.namespace) ?? []) {
      for (const pod of workload.pods) {
        if (!pod.ready || !labelsMatch(service.selector, pod.labels)) continue;
        if (subsetLabels && !labelsMatch(subsetLabels, pod.labels)) continue;
        out.push(pod);
      }
    }
  }
  memo.set(memoKey, out);
  return out;
}

/**
 * Resolves a host as a client in `fromNamespace` would: `name`, `name.ns`, `name.ns.svc`,
 * or the FQDN.
 */
export function resolveService(
  snapshot: MeshSnapshot,
  host: string,
  fromNamespace: string,
): ServiceInfo | undefined {
  const bare = host.replace(/:\d+$/, '');
  const parts = bare.split('.');
  const name = parts[0] ?? '';
  const namespace = parts.length >= 2 ? (parts[1] ?? fromNamespace) : fromNamespace;
  if (parts.length > 2 && !bare.endsWith(`.${CLUSTER_DOMAIN}`) && parts.slice(2).join('.') !== 'svc')
    return undefined;
  return snapshot.services.get(key(namespace, name));
}

/** A config host (`reviews`, `reviews.bookinfo.svc.cluster.local`, `*.bookinfo…`) as an FQDN pattern. */
export function fqdnOf(host: string, configNamespace: string): string {
  if (host === '*' || host.startsWith('*')) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${configNamespace}.${CLUSTER_DOMAIN}`;
  if (parts.length === 2) return `${host}.${CLUSTER_DOMAIN}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

/** Does a config host (after fqdnOf) cover this FQDN? Handles `*` and `*.suffix` wildcards. */
export function hostMatches(pattern: string, fqdn: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return fqdn.endsWith(pattern.slice(1));
  return pattern === fqdn;
}
