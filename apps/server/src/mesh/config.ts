import { parseIstioObject } from '@sextant/shared';
import type { IstioKind, IstioKindMap, ParsedIstioObject, UnreadableIstioObject } from '@sextant/shared';
import type { K8sObject, MeshConfig, ServicePort, WorkloadInfo } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : {});
const strings = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v))) if (typeof x === 'string') out[k] = x;
  return out;
};

/** The objects the cache holds, by resource key (see kube/resources.ts). */
export interface ObjectLists {
  namespaces: K8sObject[];
  services: K8sObject[];
  pods: K8sObject[];
  deployments: K8sObject[];
  virtualservices: K8sObject[];
  destinationrules: K8sObject[];
  gateways: K8sObject[];
  serviceentries: K8sObject[];
  sidecars: K8sObject[];
  peerauthentications: K8sObject[];
  authorizationpolicies: K8sObject[];
  requestauthentications: K8sObject[];
}

export const appOf = (labels: Record<string, string>): string | undefined =>
  labels.app ?? labels['app.kubernetes.io/name'] ?? labels['service.istio.io/canonical-name'];
export const versionOf = (labels: Record<string, string>): string | undefined =>
  labels.version ?? labels['app.kubernetes.io/version'] ?? labels['service.istio.io/canonical-revision'];

/** A pod runs an Istio proxy: injected (status annotation or istio-proxy container) or a gateway. */
export function podHasProxy(pod: K8sObject): boolean {
  if (pod.metadata.annotations?.['sidecar.istio.io/status']) return true;
  const containers = Array.isArray(rec(pod.spec).containers) ? (rec(pod.spec).containers as unknown[]) : [];
  return containers.some((c) => rec(c).name === 'istio-proxy');
}

export const isGatewayLabels = (labels: Record<string, string>): boolean =>
  labels.istio === 'ingressgateway' ||
  labels.istio === 'egressgateway' ||
  labels['gateway.istio.io/managed'] !== undefined;

function injectionEnabled(
  nsLabels: Record<string, string>,
  template: K8sObject['metadata'] | undefined,
): boolean {
  const podOptIn =
    template?.labels?.['sidecar.istio.io/inject'] ?? template?.annotations?.['sidecar.istio.io/inject'];
  if (podOptIn === 'false') return false;
  if (podOptIn === 'true') return true;
  return nsLabels['istio-injection'] === 'enabled' || nsLabels['istio.io/rev'] !== undefined;
}

const serviceAccountOf = (podSpec: unknown): string | undefined => {
  const sa = rec(podSpec).serviceAccountName;
  return typeof sa === 'string' && sa !== '' ? sa : undefined;
};

/** Deployments (and pods no Deployment owns) as workloads, with whether they carry a sidecar. */
export function deriveWorkloads(
  lists: Pick<ObjectLists, 'namespaces' | 'pods' | 'deployments'>,
): WorkloadInfo[] {
  const nsLabels = new Map(lists.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const claimed = new Set<K8sObject>();
  const out: WorkloadInfo[] = [];
  for (const d of lists.deployments) {
    const namespace = d.metadata.namespace ?? 'default';
    const spec = rec(d.spec);
    const template = rec(spec.template);
    const tmeta = rec(template.metadata) as K8sObject['metadata'];
    const labels = strings(tmeta.labels);
    const selector = strings(rec(spec.selector).matchLabels);
    const pods = lists.pods.filter(
      (p) =>
        p.metadata.namespace === namespace &&
        Object.keys(selector).length > 0 &&
        Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
    );
    for (const p of pods) claimed.add(p);
    const hasSidecar =
      isGatewayLabels(labels) ||
      (pods.length > 0 ? pods.some(podHasProxy) : injectionEnabled(nsLabels.get(namespace) ?? {}, tmeta));
    out.push({
      name: d.metadata.name,
      namespace,
      kind: 'Deployment',
      labels,
      app: appOf(labels),
      version: versionOf(labels),
      hasSidecar,
      replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
      availableReplicas:
        typeof rec(d.status).availableReplicas === 'number' ? (rec(d.status).availableReplicas as number) : 0,
      pods: pods.map((p) => p.metadata.name),
      serviceAccount: serviceAccountOf(template.spec),
    });
  }
  for (const p of lists.pods) {
    if (claimed.has(p)) continue;
    const labels = p.metadata.labels ?? {};
    out.push({
      name: p.metadata.name,
      namespace: p.metadata.namespace ?? 'default',
      kind: 'Pod',
      labels,
      app: appOf(labels),
      version: versionOf(labels),
      hasSidecar: isGatewayLabels(labels) || podHasProxy(p),
      replicas: 1,
      availableReplicas: rec(p.status).phase === 'Running' ? 1 : 0,
      pods: [p.metadata.name],
      serviceAccount: serviceAccountOf(p.spec),
    });
  }
  return out;
}

/**
 * PERFORMANCE: each object version is parsed once. The informer replaces an object on update, so
 * a result keyed by the object itself stays right, and the snapshot rebuilt after every change
 * reuses the results for all the objects that did not change (thousands on the scale mesh).
 */
const parsedObjects = new WeakMap<object, ParsedIstioObject<IstioKind>>();

/** The object typed as `kind`, parsed at most once per object version. */
export function parseCached<K extends IstioKind>(kind: K, o: K8sObject): ParsedIstioObject<K> {
  const hit = parsedObjects.get(o);
  if (hit && (hit.ok ? hit.object.kind : hit.unreadable.kind) === kind) return hit as ParsedIstioObject<K>;
  const parsed = parseIstioObject(kind, o);
  parsedObjects.set(o, parsed);
  return parsed;
}

/** Splits cached objects of `kind` into typed ones and unreadable ones (pushed to `unreadable`). */
function typed<K extends IstioKind>(
  kind: K,
  objects: K8sObject[],
  unreadable: UnreadableIstioObject[],
): IstioKindMap[K][] {
  const out: IstioKindMap[K][] = [];
  for (const o of objects) {
    const parsed = parseCached(kind, o);
    if (parsed.ok) out.push(parsed.object);
    else unreadable.push(parsed.unreadable);
  }
  return out;
}

const OBJECT_LISTS: readonly (keyof ObjectLists)[] = [
  'namespaces',
  'services',
  'pods',
  'deployments',
  'virtualservices',
  'destinationrules',
  'gateways',
  'serviceentries',
  'sidecars',
  'peerauthentications',
  'authorizationpolicies',
  'requestauthentications',
];

/** The graph's view of configuration, reading each kind it needs through `list` (the cache or a person's view of it). */
export function meshConfigFromLists(list: (resource: keyof ObjectLists) => K8sObject[]): MeshConfig {
  const lists = Object.fromEntries(OBJECT_LISTS.map((r) => [r, list(r)])) as unknown as ObjectLists;
  return meshConfigFromObjects(lists);
}

/** The graph's view of configuration, from the cached objects. */
export function meshConfigFromObjects(lists: ObjectLists): MeshConfig {
  const unreadable: UnreadableIstioObject[] = [];
  return {
    namespaces: lists.namespaces.map((n) => ({ name: n.metadata.name, labels: n.metadata.labels ?? {} })),
    services: lists.services.map((s) => {
      const spec = rec(s.spec);
      const selector = isRecord(spec.selector) ? strings(spec.selector) : undefined;
      const ports: ServicePort[] = (Array.isArray(spec.ports) ? spec.ports : []).map((p) => {
        const r = rec(p);
        return {
          name: typeof r.name === 'string' ? r.name : undefined,
          port: typeof r.port === 'number' ? r.port : 0,
          protocol: typeof r.protocol === 'string' ? r.protocol : undefined,
          appProtocol: typeof r.appProtocol === 'string' ? r.appProtocol : undefined,
        };
      });
      return {
        name: s.metadata.name,
        namespace: s.metadata.namespace ?? 'default',
        labels: s.metadata.labels ?? {},
        selector,
        ports,
        type: typeof spec.type === 'string' ? spec.type : undefined,
        clusterIP: typeof spec.clusterIP === 'string' ? spec.clusterIP : undefined,
      };
    }),
    workloads: deriveWorkloads(lists),
    virtualServices: typed('VirtualService', lists.virtualservices, unreadable),
    destinationRules: typed('DestinationRule', lists.destinationrules, unreadable),
    gateways: typed('Gateway', lists.gateways, unreadable),
    serviceEntries: typed('ServiceEntry', lists.serviceentries, unreadable),
    sidecars: typed('Sidecar', lists.sidecars, unreadable),
    peerAuthentications: typed('PeerAuthentication', lists.peerauthentications, unreadable),
    authorizationPolicies: typed('AuthorizationPolicy', lists.authorizationpolicies, unreadable),
    requestAuthentications: typed('RequestAuthentication', lists.requestauthentications, unreadable),
    unreadable,
  };
}
