import type { GraphEdge, GraphNode } from '@sextant/shared';

/**
 * Drops the nodes that live in namespaces the person may not see (their boxes too) and every
 * edge that touches them. Sextant hides rather than anonymizes (Kiali draws such nodes with a
 * lock): a name, rate or error figure from a forbidden namespace tells too much, and the edges
 * into visible nodes keep their own figures, so what remains is still true.
 */
export function hideNamespaces(
  graph: { nodes: GraphNode[]; edges: GraphEdge[] },
  hidden: (namespace: string) => boolean,
): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const gone = new Set(graph.nodes.filter((n) => hidden(n.namespace)).map((n) => n.id));
  if (gone.size === 0) return graph;
  const edges = graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target));
  const nodes = graph.nodes.filter((n) => !gone.has(n.id));
  return { nodes, edges };
}
