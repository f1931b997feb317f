import type { GraphResponse, ServiceDetail, Weights, WorkloadSummary } from '@sextant/shared';

export interface SubsetOption {
  name: string;
  labels: Record<string, string>;
  /** True when no DestinationRule defines it yet: the shift creates it from the version label. */
  derived: boolean;
}

/** The DestinationRule subsets of the service, else one per version label of its workloads. */
export function subsetOptions(service: ServiceDetail, workloads: readonly WorkloadSummary[]): SubsetOption[] {
  if (service.subsets.length > 0) {
    const seen = new Set<string>();
    return service.subsets.flatMap((s) => {
      if (seen.has(s.name)) return [];
      seen.add(s.name);
      return [{ name: s.name, labels: s.labels, derived: false }];
    });
  }
  const behind = new Set(service.workloads);
  const versions = new Set(
    workloads.flatMap((w) =>
      w.namespace === service.namespace && behind.has(w.name) && w.version ? [w.version] : [],
    ),
  );
  return [...versions].sort().map((v) => ({ name: v, labels: { version: v }, derived: true }));
}

/** One row per subset, in subset order: the configured weight, or everything to the first subset. */
export function initialWeights(configured: Weights | undefined, subsets: readonly string[]): Weights {
  const hasAny = configured !== undefined && Object.keys(configured).length > 0;
  return Object.fromEntries(subsets.map((s, i) => [s, hasAny ? (configured[s] ?? 0) : i === 0 ? 100 : 0]));
}

export const sameWeights = (a: Weights, b: Weights): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
};

/**
 * The observed share of each subset: the `percentOfSource` of the edges leaving the service node
 * (DESIGN.md), matched to a subset by the target's version label. Undefined without traffic.
 */
export function observedSplit(
  graph: GraphResponse | undefined,
  namespace: string,
  service: string,
  subsets: readonly SubsetOption[],
): Record<string, number> | undefined {
  if (!graph) return undefined;
  const node = graph.nodes.find(
    (n) => n.nodeType === 'service' && n.namespace === namespace && n.service === service,
  );
  if (!node) return undefined;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: Record<string, number> = {};
  let any = false;
  for (const edge of graph.edges) {
    if (edge.source !== node.id || edge.rps <= 0) continue;
    const version = byId.get(edge.target)?.version;
    const subset = subsets.find((s) => version !== undefined && s.labels.version === version);
    if (!subset) continue;
    out[subset.name] = (out[subset.name] ?? 0) + edge.percentOfSource;
    any = true;
  }
  return any ? out : undefined;
}
