import { splitFlags } from '@sextant/shared';
import type { GraphEdge, GraphNode, GraphResponse } from '@sextant/shared';
import { evaluate, type Expr, type FindHideTarget } from './findHide';
import { isUnknownDestination, nodeName } from './names';

export function nodeTarget(node: GraphNode): FindHideTarget {
  const traffic = node.traffic;
  return {
    kind: 'node',
    values: {
      ns: node.namespace,
      app: node.app,
      version: node.version,
      workload: node.workload,
      service: node.service,
      name: nodeName(node),
      type: node.nodeType,
      health: node.health,
      sidecar: node.hasSidecar,
      badge: node.badges,
      rps: traffic?.rpsIn,
      rpsin: traffic?.rpsIn,
      rpsout: traffic?.rpsOut,
      error: traffic ? traffic.errorRateIn * 100 : undefined,
      idle: node.isIdle ?? (traffic ? traffic.rpsIn + traffic.rpsOut === 0 : undefined),
    },
  };
}

export function edgeTarget(edge: GraphEdge): FindHideTarget {
  return {
    kind: 'edge',
    values: {
      rps: edge.rps,
      error: edge.errorRate * 100,
      idle: edge.isIdle ?? edge.rps === 0,
      mtls: edge.mtlsPercent,
      percent: edge.percentOfSource,
      flag: Object.keys(edge.byFlag ?? {}).flatMap(splitFlags),
      weight: edge.configuredWeight,
      p50: edge.responseTimeMs.p50,
      p95: edge.responseTimeMs.p95,
      p99: edge.responseTimeMs.p99,
      protocol: edge.protocol,
    },
  };
}

export interface VisibilityOptions {
  find: Expr | null;
  hide: Expr | null;
  /**
   * false: drop unknown callers (requests from outside the mesh) and their edges. Unknown
   * destinations stay: they carry failures (aborts, no route) a person must see.
   */
  showUnknown: boolean;
}

export interface Visibility {
  /** Ids of nodes and edges not drawn. */
  hidden: Set<string>;
  /** Ids of visible nodes and edges matching the find expression. */
  found: Set<string>;
}

/**
 * Applies hide, the unknown-callers toggle and find to a graph. An edge is hidden with either of
 * its ends; an app box is hidden when every node inside it is; find never marks a hidden element.
 */
export function computeVisibility(graph: GraphResponse, options: VisibilityOptions): Visibility {
  const hidden = new Set<string>();
  const found = new Set<string>();
  const { find, hide, showUnknown } = options;

  for (const node of graph.nodes) {
    if (node.isBox) continue;
    const unknownCaller = node.nodeType === 'unknown' && !isUnknownDestination(node);
    if ((!showUnknown && unknownCaller) || (hide && evaluate(hide, nodeTarget(node)))) {
      hidden.add(node.id);
    }
  }
  for (const edge of graph.edges) {
    if (hidden.has(edge.source) || hidden.has(edge.target) || (hide && evaluate(hide, edgeTarget(edge)))) {
      hidden.add(edge.id);
    }
  }
  const visibleChildren = new Map<string, number>();
  for (const node of graph.nodes) {
    if (node.parent && !node.isBox && !hidden.has(node.id)) {
      visibleChildren.set(node.parent, (visibleChildren.get(node.parent) ?? 0) + 1);
    }
  }
  for (const node of graph.nodes) {
    if (node.isBox && !visibleChildren.get(node.id)) hidden.add(node.id);
  }

  if (find) {
    for (const node of graph.nodes) {
      if (!node.isBox && !hidden.has(node.id) && evaluate(find, nodeTarget(node))) found.add(node.id);
    }
    for (const edge of graph.edges) {
      if (!hidden.has(edge.id) && evaluate(find, edgeTarget(edge))) found.add(edge.id);
    }
  }
  return { hidden, found };
}
