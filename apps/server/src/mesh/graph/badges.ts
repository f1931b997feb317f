import type { Badge, ConfigRef, GraphNode } from '@sextant/shared';
import { selectorMatches } from '../hosts';
import {
  destinationRulesFor,
  gatewaysSelecting,
  refOf,
  serviceBadges,
  serviceEntriesFor,
  virtualServicesFor,
  workloadPolicies,
} from '../istioConfig';
import { hasConfigErrors, validateMeshConfig } from '../validations';
import type { WorkloadInfo } from '../types';
import type { ConfigIndex, WorkingGraph } from './model';

/**
 * Stage 8, badges: what the cache adds to nodes drawn from telemetry: sidecar presence, badges
 * (VS, TS, FI, … GW, MS, ERR) and links to the Istio objects that apply. A node the cache does
 * not know keeps what its labels said and gets no badges.
 */
export function addBadges(g: WorkingGraph, index: ConfigIndex): void {
  let findings: ReturnType<typeof validateMeshConfig> | undefined;
  const { config } = index;

  const backing = (n: GraphNode): readonly WorkloadInfo[] => {
    switch (n.nodeType) {
      case 'workload': {
        const w = index.workload(n.namespace, n.workload ?? '');
        return w ? [w] : [];
      }
      case 'app':
        return index
          .workloadsIn(n.namespace)
          .filter((w) => w.app === n.app && (n.version === undefined || n.isBox || w.version === n.version));
      case 'service': {
        const svc = index.service(n.namespace, n.service ?? '');
        return svc
          ? index.workloadsIn(n.namespace).filter((w) => selectorMatches(svc.selector, w.labels))
          : [];
      }
      default:
        return [];
    }
  };

  for (const n of g.nodes.values()) {
    if (n.isBox) continue;
    const workloads = backing(n);
    const badges = new Set<Badge>();
    const refs: ConfigRef[] = [];
    const seen = new Set<string>();
    const addRef = (r: ConfigRef): void => {
      const k = `${r.kind}/${r.namespace}/${r.name}`;
      if (!seen.has(k)) {
        seen.add(k);
        refs.push(r);
      }
    };
    if (n.nodeType === 'service' || n.nodeType === 'external') {
      const name = n.service ?? '';
      const vss = virtualServicesFor(config, name, n.namespace);
      const drs = destinationRulesFor(config, name, n.namespace);
      for (const b of serviceBadges(vss, drs)) badges.add(b);
      for (const o of [...vss, ...drs, ...serviceEntriesFor(config, name, n.namespace)]) addRef(refOf(o));
      n.hasSidecar = workloads.every((w) => w.hasSidecar);
    } else if (n.nodeType === 'app' || n.nodeType === 'workload') {
      if (workloads.length > 0) n.hasSidecar = workloads.every((w) => w.hasSidecar);
      for (const w of workloads) {
        const gws = gatewaysSelecting(config, w.labels);
        if (gws.length > 0) badges.add('GW');
        for (const o of [...gws, ...workloadPolicies(config, w.namespace, w.labels)]) addRef(refOf(o));
      }
      if (!n.hasSidecar && !badges.has('GW')) badges.add('MS');
    } else {
      n.hasSidecar = false;
    }
    // PERFORMANCE: the mesh is validated once per graph, on the first node that has config.
    if (refs.length > 0 && hasConfigErrors(refs, (findings ??= validateMeshConfig(config))))
      badges.add('ERR');
    n.badges = [...badges].sort();
    if (refs.length > 0) n.config = refs;
  }

  const members = new Map<string, GraphNode[]>();
  for (const n of g.nodes.values()) {
    if (n.parent === undefined) continue;
    const list = members.get(n.parent);
    if (list) list.push(n);
    else members.set(n.parent, [n]);
  }
  for (const n of g.nodes.values()) {
    if (!n.isBox) continue;
    const list = members.get(n.id) ?? [];
    n.hasSidecar = list.every((m) => m.hasSidecar);
    if (list.every((m) => m.isIdle)) n.isIdle = true;
  }
}
