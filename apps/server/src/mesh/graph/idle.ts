import type { GraphType } from '@sextant/shared';
import { cachedWorkloadNode, serviceNodeId } from './identity';
import { ensureNode } from './model';
import type { ConfigIndex, WorkingGraph } from './model';

/**
 * Stage 4, idle nodes: services and workloads of the requested namespaces that carried no
 * traffic in the window, from the cache, marked idle (drawn dotted).
 */
export function addIdleNodes(
  g: WorkingGraph,
  index: ConfigIndex,
  options: { graphType: GraphType; namespaces: readonly string[]; withServiceNodes: boolean },
): void {
  const selected = new Set(options.namespaces);
  if (options.withServiceNodes) {
    for (const svc of index.config.services) {
      if (!selected.has(svc.namespace)) continue;
      ensureNode(
        g,
        {
          id: serviceNodeId(svc.namespace, svc.name),
          nodeType: 'service',
          namespace: svc.namespace,
          service: svc.name,
        },
        true,
      );
    }
  }
  if (options.graphType !== 'service') {
    for (const w of index.config.workloads)
      if (selected.has(w.namespace)) ensureNode(g, cachedWorkloadNode(options.graphType, w), true);
  }
}
