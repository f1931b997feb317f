import type { ConfigRef, ServiceSummary, WorkloadSummary } from '@sextant/shared';
import { selectorMatches } from './hosts';
import {
  destinationRulesFor,
  gatewaysSelecting,
  refOf,
  serviceBadges,
  serviceEntriesFor,
  virtualServicesFor,
  workloadPolicies,
} from './istioConfig';
import type { MeshConfig, ServiceInfo, WorkloadInfo } from './types';
import { findingsOf, validateMeshConfig, validateWorkload } from './validations';

/** `findings`: validateMeshConfig(config), passed in so a list validates the mesh once. */
export function serviceSummary(
  config: MeshConfig,
  s: ServiceInfo,
  findings = validateMeshConfig(config),
): ServiceSummary {
  const workloads = config.workloads.filter(
    (w) => w.namespace === s.namespace && selectorMatches(s.selector, w.labels),
  );
  const vss = virtualServicesFor(config, s.name, s.namespace);
  const drs = destinationRulesFor(config, s.name, s.namespace);
  const subsets: ServiceSummary['subsets'] = [];
  for (const dr of drs) {
    for (const sub of dr.spec?.subsets ?? []) {
      subsets.push({ name: sub.name, labels: sub.labels ?? {}, destinationRule: dr.metadata.name });
    }
  }
  const istioConfig = [...vss, ...drs, ...serviceEntriesFor(config, s.name, s.namespace)].map(refOf);
  return {
    name: s.name,
    namespace: s.namespace,
    labels: s.labels,
    selector: s.selector,
    ports: s.ports,
    workloads: workloads.map((w) => w.name),
    hasSidecar: workloads.every((w) => w.hasSidecar),
    istioConfig,
    validations: findingsOf(istioConfig, findings),
    badges: serviceBadges(vss, drs).sort(),
    subsets,
  };
}

export function workloadSummary(
  config: MeshConfig,
  w: WorkloadInfo,
  findings = validateMeshConfig(config),
): WorkloadSummary {
  const refs: ConfigRef[] = [
    ...gatewaysSelecting(config, w.labels),
    ...workloadPolicies(config, w.namespace, w.labels),
  ].map(refOf);
  return {
    name: w.name,
    namespace: w.namespace,
    kind: w.kind,
    labels: w.labels,
    app: w.app,
    version: w.version,
    hasSidecar: w.hasSidecar,
    replicas: w.replicas,
    availableReplicas: w.availableReplicas,
    pods: w.pods,
    services: config.services
      .filter((s) => s.namespace === w.namespace && selectorMatches(s.selector, w.labels))
      .map((s) => s.name),
    istioConfig: refs,
    validations: [...validateWorkload(w, config), ...findingsOf(refs, findings)],
  };
}
