import type { GraphEdge, GraphNode } from '@sextant/shared';

/** The name a person knows a node by, without its namespace. */
export function nodeName(node: GraphNode): string {
  if (node.isBox) return node.app ?? node.id;
  switch (node.nodeType) {
    case 'service':
    case 'external':
      return node.service ?? node.app ?? node.id;
    case 'workload':
      return node.workload ?? node.app ?? node.id;
    case 'app':
      return node.version && node.app
        ? `${node.app} ${node.version}`
        : (node.app ?? node.workload ?? node.id);
    case 'unknown':
      return isUnknownDestination(node) ? 'unknown destination' : 'unknown';
  }
}

/** The node requests go to when they reached no workload (fault aborts, `NR`, `UH`, …). */
export const isUnknownDestination = (node: GraphNode): boolean => node.id.startsWith('unknown-dest:');

/** What kind of node this is, in words: the side panel's heading and the table's type. */
export function nodeKindLabel(node: GraphNode): string {
  if (node.isBox) return 'App (all versions)';
  if (node.nodeType === 'unknown')
    return isUnknownDestination(node) ? 'Unknown destination (reached no workload)' : 'Unknown caller';
  return NODE_TYPE_LABEL[node.nodeType];
}

/** The text drawn on the canvas: inside an app box the box already names the app, so only the version. */
export function nodeCanvasName(node: GraphNode, parent: GraphNode | undefined): string {
  if (parent && node.nodeType === 'app' && node.version) return node.version;
  if (parent && node.nodeType === 'workload' && node.version && node.workload) return node.workload;
  return nodeName(node);
}

/** `productpage → reviews` with namespaces only when they differ. */
export function edgeName(edge: GraphEdge, nodesById: ReadonlyMap<string, GraphNode>): string {
  const source = nodesById.get(edge.source);
  const target = nodesById.get(edge.target);
  const from = source ? nodeName(source) : edge.source;
  const to = target ? nodeName(target) : edge.target;
  if (source && target && source.namespace !== target.namespace && source.nodeType !== 'unknown') {
    return `${from}.${source.namespace} → ${to}.${target.namespace}`;
  }
  return `${from} → ${to}`;
}

export const NODE_TYPE_LABEL: Readonly<Record<GraphNode['nodeType'], string>> = {
  app: 'App',
  service: 'Service',
  workload: 'Workload',
  // Unknown callers (no sidecar to name them) and unknown destinations (reached no workload).
  unknown: 'Unknown',
  external: 'External service',
};

export const BADGE_LABEL: Readonly<Record<GraphNode['badges'][number], string>> = {
  VS: 'Virtual service',
  TS: 'Traffic shifting',
  FI: 'Fault injection',
  TO: 'Timeout or retries',
  MI: 'Mirroring',
  CB: 'Circuit breaker',
  GW: 'Gateway',
  MS: 'Missing sidecar',
  ERR: 'Configuration errors',
};
