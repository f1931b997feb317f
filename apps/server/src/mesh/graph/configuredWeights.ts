import type { GraphType } from '@sextant/shared';
import { selectorMatches } from '../hosts';
import { configuredDestinations } from '../istioConfig';
import { cachedWorkloadNode } from './identity';
import { edgeId, ensureNode } from './model';
import type { ConfigIndex, NodeSpec, WorkingEdge, WorkingGraph } from './model';
import { emptyStats } from './stats';

/**
 * Stage 5, configured weights: the weights of the service's default VirtualService route on the
 * edges from the service node to its versions; a weighted version without traffic yet gets an
 * idle edge carrying its weight, so a fresh canary shows before its first request.
 */
export function addConfiguredWeights(g: WorkingGraph, index: ConfigIndex, graphType: GraphType): void {
  // PERFORMANCE: edges by source once, instead of a scan of every edge per service.
  const outgoing = new Map<string, WorkingEdge[]>();
  for (const e of g.edges.values()) {
    const list = outgoing.get(e.source);
    if (list) list.push(e);
    else outgoing.set(e.source, [e]);
  }
  for (const n of [...g.nodes.values()]) {
    if (n.nodeType !== 'service' || n.service === undefined) continue;
    const svc = index.service(n.namespace, n.service);
    if (!svc) continue;
    const weights = new Map<string, { spec: NodeSpec; weight: number }>();
    for (const dest of configuredDestinations(index.config, svc)) {
      if (dest.subsetLabels === null) continue;
      const subsetLabels = dest.subsetLabels;
      const targets = new Map<string, NodeSpec>();
      for (const w of index.workloadsIn(svc.namespace)) {
        if (!selectorMatches(svc.selector, w.labels)) continue;
        if (!Object.entries(subsetLabels).every(([k, v]) => w.labels[k] === v)) continue;
        const spec = cachedWorkloadNode(graphType, w);
        targets.set(spec.id, spec);
      }
      for (const spec of targets.values()) {
        const acc = weights.get(spec.id) ?? { spec, weight: 0 };
        acc.weight += dest.weight / targets.size;
        weights.set(spec.id, acc);
      }
    }
    const fromService = outgoing.get(n.id) ?? [];
    for (const { spec, weight } of weights.values()) {
      const existing = fromService.filter((e) => e.target === spec.id);
      if (existing.length === 0) {
        ensureNode(g, spec, true);
        const id = edgeId(n.id, spec.id, 'http');
        const idle: WorkingEdge = {
          id,
          source: n.id,
          target: spec.id,
          protocol: 'http',
          stats: emptyStats(),
          idle: true,
        };
        g.edges.set(id, idle);
        existing.push(idle);
      }
      for (const e of existing) e.configuredWeight = (e.configuredWeight ?? 0) + weight;
    }
  }
}
