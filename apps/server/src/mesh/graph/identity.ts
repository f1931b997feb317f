import type { GraphType, NodeType } from '@sextant/shared';
import type { DestinationPeer, SourcePeer, WorkloadInfo } from '../types';
import type { ConfigIndex, NodeSpec } from './model';

const UNKNOWN = 'unknown';

/** The one node for callers no proxy could name (no sidecar, outside the mesh). */
export const UNKNOWN_CALLER: NodeSpec = { id: UNKNOWN, nodeType: 'unknown', namespace: UNKNOWN };

/**
 * Where requests that reached no workload end (`NR`, `UH`, a missing subset): one node per
 * service namespace, so the failing edge is drawn instead of dropped.
 */
export const unknownDestination = (namespace: string): NodeSpec => ({
  id: `unknown-dest:${namespace}`,
  nodeType: 'unknown',
  namespace,
});

/**
 * The node a workload becomes in each graph type, from what the telemetry labels say (`app`,
 * `version`, `workload`, namespace) so a workload the cache does not know (deleted, in another
 * cluster, hidden by RBAC) is drawn the same as one it knows. Without an app label it stays a
 * workload; in the service graph callers are workloads until the service stage replaces them.
 */
export function workloadNode(
  graphType: GraphType,
  peer: { workload: string; namespace: string; app?: string; version?: string },
): NodeSpec {
  const { workload, namespace, app, version } = peer;
  const wl: NodeSpec = { id: `wl:${namespace}:${workload}`, nodeType: 'workload', namespace, workload };
  if (app !== undefined) wl.app = app;
  if (version !== undefined) wl.version = version;
  if (graphType === 'workload' || graphType === 'service' || app === undefined) return wl;
  if (graphType === 'versionedApp' && version !== undefined)
    return { id: `app:${namespace}:${app}:${version}`, nodeType: 'app', namespace, app, version };
  return { id: `app:${namespace}:${app}`, nodeType: 'app', namespace, app };
}

/** The same, for a workload known only from the cache (idle nodes, configured routes). */
export const cachedWorkloadNode = (graphType: GraphType, w: WorkloadInfo): NodeSpec =>
  workloadNode(graphType, { workload: w.name, namespace: w.namespace, app: w.app, version: w.version });

export function callerNode(graphType: GraphType, s: SourcePeer): NodeSpec {
  if (s.workload === UNKNOWN) return UNKNOWN_CALLER;
  return workloadNode(graphType, s);
}

/** The workload that answered, or the unknown destination when none did. */
export function calleeNode(graphType: GraphType, d: DestinationPeer): NodeSpec {
  if (d.workload === UNKNOWN) return unknownDestination(d.serviceNamespace);
  return workloadNode(graphType, {
    workload: d.workload,
    namespace: d.workloadNamespace,
    app: d.app,
    version: d.version,
  });
}

export const serviceNodeId = (namespace: string, name: string): string => `svc:${namespace}:${name}`;

/**
 * The service the request was addressed to; undefined when the proxy could not tell. A service
 * neither the cache nor any workload answers for is `external` (a ServiceEntry host, say).
 *
 * When Envoy found no cluster for a request (a route to a missing subset: `NC`/`NR`), Istio
 * labels it with the raw Host header and namespace `unknown`; the host is then resolved from the
 * caller's namespace against the cache, so the failure lands on the service the caller meant.
 */
export function serviceNode(
  index: ConfigIndex,
  d: DestinationPeer,
  callerNamespace?: string,
): NodeSpec | undefined {
  if (d.service === UNKNOWN || d.service === '') return undefined;
  const meant =
    d.serviceNamespace === UNKNOWN && d.workload === UNKNOWN && callerNamespace !== undefined
      ? resolveHostHeader(index, d.service, callerNamespace)
      : undefined;
  if (meant) return meant;
  const known = index.service(d.serviceNamespace, d.service) !== undefined;
  const nodeType: NodeType = known || d.workload !== UNKNOWN ? 'service' : 'external';
  return {
    id: serviceNodeId(d.serviceNamespace, d.service),
    nodeType,
    namespace: d.serviceNamespace,
    service: d.service,
  };
}

/** `reviews`, `reviews:9080`, `reviews.bookinfo`, `reviews.bookinfo.svc.cluster.local` → a known service. */
function resolveHostHeader(index: ConfigIndex, host: string, callerNamespace: string): NodeSpec | undefined {
  const [name = '', namespace = callerNamespace] = (host.split(':')[0] ?? '').split('.');
  const svc = index.service(namespace, name);
  return svc
    ? {
        id: serviceNodeId(svc.namespace, svc.name),
        nodeType: 'service',
        namespace: svc.namespace,
        service: svc.name,
      }
    : undefined;
}
