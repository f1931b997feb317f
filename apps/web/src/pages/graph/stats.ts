import type { GraphEdge, GraphNode, GraphResponse, ResponseTime } from '@sextant/shared';

export interface NodeFigures {
  rpsIn: number;
  rpsOut: number;
  /** 0..1 */
  errorRateIn: number;
  /** Share of inbound requests over mTLS, 0..100; null without inbound traffic. */
  mtlsIn: number | null;
  /** Inbound response time, rps-weighted across inbound edges; exact when there is one. */
  responseTimeIn: ResponseTime;
  byCode: Record<string, number>;
  byFlag: Record<string, number>;
  inbound: GraphEdge[];
  outbound: GraphEdge[];
}

function weighted(edges: readonly GraphEdge[], pick: (edge: GraphEdge) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const edge of edges) {
    const value = pick(edge);
    if (value == null || edge.rps <= 0) continue;
    sum += value * edge.rps;
    weight += edge.rps;
  }
  return weight > 0 ? sum / weight : null;
}

function addInto(target: Record<string, number>, source: Record<string, number> | undefined) {
  for (const [key, value] of Object.entries(source ?? {})) target[key] = (target[key] ?? 0) + value;
}

/** Edges by the node they enter and leave, built once per graph. */
export interface EdgeIndex {
  inbound: ReadonlyMap<string, GraphEdge[]>;
  outbound: ReadonlyMap<string, GraphEdge[]>;
}

export function indexEdges(graph: GraphResponse): EdgeIndex {
  const inbound = new Map<string, GraphEdge[]>();
  const outbound = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    const into = inbound.get(edge.target);
    if (into) into.push(edge);
    else inbound.set(edge.target, [edge]);
    const out = outbound.get(edge.source);
    if (out) out.push(edge);
    else outbound.set(edge.source, [edge]);
  }
  return { inbound, outbound };
}

/**
 * A node's figures for the side panel and the table: the payload's own totals when present, else
 * summed from edges. PERFORMANCE: pass an `index` when computing figures for many nodes.
 */
export function nodeFigures(node: GraphNode, graph: GraphResponse, index?: EdgeIndex): NodeFigures {
  const inbound = index
    ? (index.inbound.get(node.id) ?? [])
    : graph.edges.filter((edge) => edge.target === node.id);
  const outbound = index
    ? (index.outbound.get(node.id) ?? [])
    : graph.edges.filter((edge) => edge.source === node.id);
  const sum = (edges: GraphEdge[]) => edges.reduce((total, edge) => total + edge.rps, 0);
  const byCode: Record<string, number> = {};
  const byFlag: Record<string, number> = {};
  if (node.traffic) {
    addInto(byCode, node.traffic.byCode);
    addInto(byFlag, node.traffic.byFlag);
  } else {
    for (const edge of inbound) {
      addInto(byCode, edge.byCode);
      addInto(byFlag, edge.byFlag);
    }
  }
  return {
    rpsIn: node.traffic?.rpsIn ?? sum(inbound),
    rpsOut: node.traffic?.rpsOut ?? sum(outbound),
    errorRateIn: node.traffic?.errorRateIn ?? weighted(inbound, (edge) => edge.errorRate) ?? 0,
    mtlsIn: weighted(inbound, (edge) => edge.mtlsPercent),
    responseTimeIn: {
      p50: weighted(inbound, (edge) => edge.responseTimeMs.p50),
      p95: weighted(inbound, (edge) => edge.responseTimeMs.p95),
      p99: weighted(inbound, (edge) => edge.responseTimeMs.p99),
    },
    byCode,
    byFlag,
    inbound,
    outbound,
  };
}

export interface GraphSummary {
  nodes: number;
  byType: Record<string, number>;
  edges: number;
  idleNodes: number;
  edgesWithErrors: number;
  edgesWithoutMtls: number;
  unhealthyNodes: number;
}

export function graphSummary(graph: GraphResponse, hidden: ReadonlySet<string>): GraphSummary {
  const nodes = graph.nodes.filter((node) => !node.isBox && !hidden.has(node.id));
  const edges = graph.edges.filter((edge) => !hidden.has(edge.id));
  const byType: Record<string, number> = {};
  for (const node of nodes) byType[node.nodeType] = (byType[node.nodeType] ?? 0) + 1;
  return {
    nodes: nodes.length,
    byType,
    edges: edges.length,
    idleNodes: nodes.filter((node) => node.isIdle).length,
    edgesWithErrors: edges.filter((edge) => edge.errorRate > 0).length,
    edgesWithoutMtls: edges.filter(
      (edge) => edge.rps > 0 && edge.protocol !== 'tcp' && edge.mtlsPercent < 99.5,
    ).length,
    unhealthyNodes: nodes.filter((node) => node.health === 'degraded' || node.health === 'failure').length,
  };
}
