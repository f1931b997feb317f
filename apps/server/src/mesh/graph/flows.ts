import type { GraphType } from '@sextant/shared';
import { workloadKey } from '../telemetry';
import type { SelectedTelemetry } from '../telemetry';
import type { DestinationPeer, SourcePeer, TrafficProtocol } from '../types';
import { calleeNode, callerNode, serviceNode } from './identity';
import type { ConfigIndex, NodeSpec } from './model';
import {
  addBuckets,
  addDestinationRequest,
  addDestinationTcp,
  addRequest,
  addTcp,
  emptyStats,
} from './stats';
import type { EdgeStats } from './stats';

/**
 * Traffic between a caller node and a callee node through one service, one protocol: what the
 * service stage later draws as one edge (caller → callee) or two (caller → service → callee).
 */
export interface Flow {
  key: string;
  protocol: TrafficProtocol;
  source: NodeSpec;
  service?: NodeSpec;
  /** Undefined for calls that end at an external service (a ServiceEntry host has no workload). */
  destination?: NodeSpec;
  /** The caller and callee workloads (`ns/name`), for the service graph's callers. */
  sourceWorkload: string;
  destinationWorkload: string;
  stats: EdgeStats;
}

interface Peers {
  source: SourcePeer;
  destination: DestinationPeer;
}

/**
 * Stage 2, nodes and edges: every sample becomes a flow between nodes named from its labels.
 * Latency series join the request series of the same workloads; the destination's reports add
 * mTLS and the destination's view to the flows the chosen reports drew.
 */
export function buildFlows(traffic: SelectedTelemetry, index: ConfigIndex, graphType: GraphType): Flow[] {
  const flows = new Map<string, Flow>();
  // PERFORMANCE: peers → flow key is computed once per distinct peer combination.
  const keyOf = (s: Peers, protocol: TrafficProtocol): { key: string; make: () => Flow } => {
    const source = callerNode(graphType, s.source);
    const service = serviceNode(index, s.destination, s.source.namespace);
    const destination =
      service?.nodeType === 'external' && s.destination.workload === 'unknown'
        ? undefined
        : calleeNode(graphType, {
            ...s.destination,
            serviceNamespace: service?.namespace ?? s.destination.serviceNamespace,
          });
    const key = `${source.id}|${service?.id ?? ''}|${destination?.id ?? ''}|${protocol}`;
    return {
      key,
      make: () => ({
        key,
        protocol,
        source,
        ...(service ? { service } : {}),
        ...(destination ? { destination } : {}),
        sourceWorkload: `${s.source.namespace}/${s.source.workload}`,
        destinationWorkload: `${s.destination.workloadNamespace}/${s.destination.workload}`,
        stats: emptyStats(),
      }),
    };
  };
  const flowFor = (s: Peers, protocol: TrafficProtocol, create: boolean): Flow | undefined => {
    const { key, make } = keyOf(s, protocol);
    let flow = flows.get(key);
    if (!flow && create) flows.set(key, (flow = make()));
    return flow;
  };
  const httpProtocol = (p: TrafficProtocol): TrafficProtocol => (p === 'grpc' ? 'grpc' : 'http');

  // Latency series name workloads only: they join the request flows of the same workloads.
  const byWorkloads = new Map<string, Map<Flow, number>>();
  for (const s of traffic.requests) {
    const flow = flowFor(s, httpProtocol(s.protocol), true);
    if (!flow) continue;
    addRequest(flow.stats, s);
    const wk = workloadKey(s);
    let rpsByFlow = byWorkloads.get(wk);
    if (!rpsByFlow) byWorkloads.set(wk, (rpsByFlow = new Map()));
    rpsByFlow.set(flow, (rpsByFlow.get(flow) ?? 0) + s.rps);
  }
  for (const s of traffic.destinationRequests) {
    const flow = flowFor(s, httpProtocol(s.protocol), false);
    if (flow) addDestinationRequest(flow.stats, s);
  }
  for (const s of traffic.latencies) {
    const targets = byWorkloads.get(workloadKey(s));
    if (!targets) continue;
    let total = 0;
    for (const rps of targets.values()) total += rps;
    for (const [flow, rps] of targets)
      addBuckets(flow.stats, s.buckets, total > 0 ? rps / total : 1 / targets.size);
  }
  for (const s of traffic.tcp) {
    const flow = flowFor(s, 'tcp', true);
    if (flow) addTcp(flow.stats, s);
  }
  for (const s of traffic.destinationTcp) {
    const flow = flowFor(s, 'tcp', false);
    if (flow) addDestinationTcp(flow.stats, s);
  }
  return [...flows.values()];
}
