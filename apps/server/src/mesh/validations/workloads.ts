import type { Validation } from '@sextant/shared';
import { isGatewayLabels } from '../config';
import type { MeshConfig, Telemetry, WorkloadInfo } from '../types';
import { finding, namespaceInjected } from './helpers';

/** Where a workload's pod labels sit in its object. */
const labelsPath = (w: WorkloadInfo): string =>
  w.kind === 'Deployment' ? 'spec.template.metadata.labels' : 'metadata.labels';

/** Findings for a workload (codes SX500x): missing sidecar after injection was turned on, missing labels. */
export function validateWorkload(w: WorkloadInfo, config: MeshConfig): Validation[] {
  const out: Validation[] = [];
  const optedOut = w.labels['sidecar.istio.io/inject'] === 'false';
  if (!w.hasSidecar && !optedOut && w.pods.length > 0 && namespaceInjected(config, w.namespace)) {
    const restart =
      w.kind === 'Deployment'
        ? `kubectl rollout restart deployment/${w.name} -n ${w.namespace}`
        : `delete and recreate pod ${w.name}`;
    out.push(
      finding(
        'SX5001',
        'warning',
        'metadata.name',
        `Namespace ${w.namespace} is labelled for sidecar injection but the pods of ${w.name} run without a sidecar (they started before the label): ${restart}.`,
      ),
    );
  }
  // The graph names nodes after these labels; only meshed pods report them in telemetry.
  // Gateways are named by their Deployment and carry no version.
  if (w.hasSidecar && !isGatewayLabels(w.labels)) {
    if (w.labels.app === undefined && w.labels['app.kubernetes.io/name'] === undefined) {
      out.push(
        finding(
          'SX5002',
          'warning',
          labelsPath(w),
          `Pods of ${w.name} have no "app" label: the graph cannot group them into an app and telemetry names them by workload only. Add app: <name> to the pod template.`,
        ),
      );
    }
    if (w.labels.version === undefined && w.labels['app.kubernetes.io/version'] === undefined) {
      out.push(
        finding(
          'SX5003',
          'info',
          labelsPath(w),
          `Pods of ${w.name} have no "version" label: versioned graphs and DestinationRule subsets cannot tell its versions apart. Add version: <v> to the pod template.`,
        ),
      );
    }
  }
  return out;
}

/** One observed call, reduced to what the namespace check needs. */
export interface NamespaceCall {
  sourceNamespace: string;
  /** The caller runs a sidecar (it is in the mesh). */
  sourceInMesh: boolean;
  destinationNamespace: string;
  destinationService: string;
}

/**
 * Findings for namespaces (code SX5004): mesh workloads call services in a namespace that is not
 * labelled for injection, so those calls leave the mesh (no mTLS, no telemetry on the server side).
 * The calls come from telemetry, hence the separate entry point.
 */
export function validateNamespaceCalls(
  config: MeshConfig,
  calls: NamespaceCall[],
): { namespace: string; validation: Validation }[] {
  const called = new Map<string, Set<string>>();
  for (const c of calls) {
    if (!c.sourceInMesh || c.destinationNamespace === c.sourceNamespace) continue;
    if (!config.namespaces.some((n) => n.name === c.destinationNamespace)) continue;
    if (namespaceInjected(config, c.destinationNamespace)) continue;
    const set = called.get(c.destinationNamespace) ?? new Set<string>();
    set.add(c.destinationService);
    called.set(c.destinationNamespace, set);
  }
  return [...called].map(([namespace, services]) => ({
    namespace,
    validation: finding(
      'SX5004',
      'warning',
      'metadata.labels',
      `Mesh workloads call ${[...services].sort().join(', ')} in namespace ${namespace}, which is not labelled for sidecar injection: those calls are not encrypted or observed at the server. kubectl label namespace ${namespace} istio-injection=enabled, then restart its deployments.`,
    ),
  }));
}

/** The calls of a telemetry window, for validateNamespaceCalls; a caller is in the mesh when its workload runs a proxy. */
export function namespaceCalls(config: MeshConfig, telemetry: Telemetry): NamespaceCall[] {
  const meshed = new Set(config.workloads.filter((w) => w.hasSidecar).map((w) => `${w.namespace}/${w.name}`));
  return telemetry.requests
    .filter((r) => r.rps > 0)
    .map((r) => ({
      sourceNamespace: r.source.namespace,
      sourceInMesh: meshed.has(`${r.source.namespace}/${r.source.workload}`),
      destinationNamespace: r.destination.serviceNamespace,
      destinationService: r.destination.service,
    }));
}
