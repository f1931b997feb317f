import type { GraphType } from '@sextant/shared';
import type { Flow } from './flows';
import { edgeId, emptyGraph, ensureNode } from './model';
import type { NodeSpec, WorkingGraph } from './model';
import { emptyStats, mergeStats } from './stats';

/**
 * Stage 3, service nodes: flows become edges. With service nodes on, a flow is drawn as
 * caller → service → callee, so a canary split reads on the edges leaving the service node.
 * The service graph keeps services only: a caller is drawn as the service(s) its own inbound
 * traffic came through (as seen in the same window), or as itself when nothing called it
 * through a service (a gateway, a job, the unknown caller).
 */
export function drawFlows(
  flows: readonly Flow[],
  options: { graphType: GraphType; injectServiceNodes: boolean },
): WorkingGraph {
  const g = emptyGraph();
  const addEdge = (from: NodeSpec, to: NodeSpec, flow: Flow): void => {
    ensureNode(g, from, false);
    ensureNode(g, to, false);
    const id = edgeId(from.id, to.id, flow.protocol);
    let e = g.edges.get(id);
    if (!e) {
      e = { id, source: from.id, target: to.id, protocol: flow.protocol, stats: emptyStats(), idle: false };
      g.edges.set(id, e);
    }
    mergeStats(e.stats, flow.stats);
  };

  if (options.graphType === 'service') {
    const fronting = frontingServices(flows);
    for (const flow of flows) {
      const target = flow.service ?? flow.destination;
      if (!target) continue;
      // A workload behind several services is drawn as the first, so nothing counts twice.
      const caller = fronting.get(flow.sourceWorkload) ?? flow.source;
      if (caller.id !== target.id) addEdge(caller, target, flow);
    }
    return g;
  }
  for (const flow of flows) {
    if (options.injectServiceNodes && flow.service) {
      addEdge(flow.source, flow.service, flow);
      if (flow.destination) addEdge(flow.service, flow.destination, flow);
    } else {
      const target = flow.destination ?? flow.service;
      if (target) addEdge(flow.source, target, flow);
    }
  }
  return g;
}

/** Workload (`ns/name`) → the first (by id) service that received traffic for it. */
function frontingServices(flows: readonly Flow[]): Map<string, NodeSpec> {
  const byWorkload = new Map<string, Map<string, NodeSpec>>();
  for (const flow of flows) {
    if (!flow.service || !flow.destination || flow.destination.nodeType === 'unknown') continue;
    let services = byWorkload.get(flow.destinationWorkload);
    if (!services) byWorkload.set(flow.destinationWorkload, (services = new Map()));
    services.set(flow.service.id, flow.service);
  }
  const out = new Map<string, NodeSpec>();
  for (const [workload, services] of byWorkload) {
    const first = [...services.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))[0];
    if (first) out.set(workload, first);
  }
  return out;
}
