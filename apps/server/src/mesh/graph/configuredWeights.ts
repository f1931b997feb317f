import { hostNamesService, serviceMatchRoutes } from '@sextant/shared';
import type { GraphType } from '@sextant/shared';
import { selectorMatches } from '../hosts';
import { configuredDestinations, destinationRulesFor, virtualServicesFor } from '../istioConfig';
import type { ServiceInfo } from '../types';
import { cachedWorkloadNode } from './identity';
import { edgeId, ensureNode } from './model';
import type { ConfigIndex, NodeSpec, WorkingEdge, WorkingGraph } from './model';
import { emptyStats } from './stats';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/**
 * Subsets the service's match rules (`end-user=jason → v2`, before the default route) send to,
 * with their pod labels from the DestinationRules.
 */
function matchRuleSubsets(index: ConfigIndex, svc: ServiceInfo): Record<string, string>[] {
  const ref = { name: svc.name, namespace: svc.namespace };
  const subsets = new Set<string>();
  for (const vs of virtualServicesFor(index.config, svc.name, svc.namespace)) {
    const ns = vs.metadata.namespace ?? svc.namespace;
    for (const { route } of serviceMatchRoutes(vs, ref).rules)
      for (const d of records(route.route)) {
        const dest = isRecord(d.destination) ? d.destination : {};
        if (
          typeof dest.host === 'string' &&
          typeof dest.subset === 'string' &&
          hostNamesService(dest.host, ns, ref)
        )
          subsets.add(dest.subset);
      }
  }
  const out: Record<string, string>[] = [];
  for (const subset of subsets)
    for (const dr of destinationRulesFor(index.config, svc.name, svc.namespace)) {
      const found = records(dr.spec?.subsets).find((x) => x.name === subset);
      if (found) {
        out.push(isRecord(found.labels) ? (found.labels as Record<string, string>) : {});
        break;
      }
    }
  return out;
}

/**
 * Stage 5, configured weights: the weights of the service's default VirtualService route (the
 * one the traffic-shift form edits, `defaultHttpRoute` in packages/shared) on the edges from the
 * service node to its versions; a weighted version without traffic yet gets an idle edge
 * carrying its weight, so a fresh canary shows before its first request.
 *
 * Drift compares like with like: versions only match rules send to (`end-user=jason → v2`) are
 * marked `matchRouted` and left out, and the other edges get `defaultRouteShare`, their share of
 * what the service sent to the default route's versions, to set against the weights.
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
    const targetsOf = (labels: Record<string, string>): string[] =>
      index
        .workloadsIn(svc.namespace)
        .filter(
          (w) =>
            selectorMatches(svc.selector, w.labels) &&
            Object.entries(labels).every(([k, v]) => w.labels[k] === v),
        )
        .map((w) => cachedWorkloadNode(graphType, w).id);
    if (weights.size > 0) {
      const matchOnly = new Set(matchRuleSubsets(index, svc).flatMap(targetsOf));
      for (const id of weights.keys()) matchOnly.delete(id);
      let defaultTotal = 0;
      const counted: WorkingEdge[] = [];
      for (const e of fromService) {
        if (e.protocol === 'tcp' || g.nodes.get(e.target)?.nodeType === 'unknown') continue;
        if (matchOnly.has(e.target)) e.matchRouted = true;
        else {
          defaultTotal += e.stats.rps;
          counted.push(e);
        }
      }
      for (const e of counted)
        e.defaultRouteShare = defaultTotal > 0 ? (e.stats.rps / defaultTotal) * 100 : 0;
    }
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
