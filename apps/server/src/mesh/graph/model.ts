import type { GraphNode, GraphType, NodeType } from '@sextant/shared';
import type { HealthThresholds } from '../health';
import type { MeshConfig, ServiceInfo, TrafficProtocol, WorkloadInfo } from '../types';
import type { EdgeStats } from './stats';

export interface GraphOptions {
  graphType: GraphType;
  /** Namespaces the person asked for; traffic touching any of them is drawn. */
  namespaces: string[];
  /** Put a service node between callers and the workloads behind the service. */
  injectServiceNodes: boolean;
  /** Also draw services and workloads of the namespaces that carried no traffic. */
  idleNodes: boolean;
  thresholds?: HealthThresholds;
}

/** What identifies a node before it carries any data. */
export interface NodeSpec {
  id: string;
  nodeType: NodeType;
  namespace: string;
  app?: string;
  version?: string;
  workload?: string;
  service?: string;
}

/** An edge while the stages work on it; `stats` becomes the payload's figures at the end. */
export interface WorkingEdge {
  id: string;
  source: string;
  target: string;
  protocol: TrafficProtocol;
  stats: EdgeStats;
  configuredWeight?: number;
  /** Share (0..100) of what the service sent to its default route's versions; see configuredWeights.ts. */
  defaultRouteShare?: number;
  /** Only the service's match rules route here (header-matched traffic, shown apart from the split). */
  matchRouted?: boolean;
  idle: boolean;
}

/** The graph between stages: nodes and edges by id, and the lookups every stage needs. */
export interface WorkingGraph {
  nodes: Map<string, GraphNode>;
  edges: Map<string, WorkingEdge>;
}

/** Configuration indexed once per graph (PERFORMANCE: a lookup per sample, never a scan). */
export interface ConfigIndex {
  config: MeshConfig;
  workload(namespace: string, name: string): WorkloadInfo | undefined;
  service(namespace: string, name: string): ServiceInfo | undefined;
  workloadsIn(namespace: string): readonly WorkloadInfo[];
}

export function indexConfig(config: MeshConfig): ConfigIndex {
  const workloads = new Map(config.workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
  const services = new Map(config.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const byNamespace = new Map<string, WorkloadInfo[]>();
  for (const w of config.workloads) {
    const list = byNamespace.get(w.namespace);
    if (list) list.push(w);
    else byNamespace.set(w.namespace, [w]);
  }
  return {
    config,
    workload: (namespace, name) => workloads.get(`${namespace}/${name}`),
    service: (namespace, name) => services.get(`${namespace}/${name}`),
    workloadsIn: (namespace) => byNamespace.get(namespace) ?? [],
  };
}

export const edgeId = (source: string, target: string, protocol: TrafficProtocol): string =>
  protocol === 'http' ? `${source}->${target}` : `${source}->${target}:${protocol}`;

export const emptyGraph = (): WorkingGraph => ({ nodes: new Map(), edges: new Map() });

/** Adds the node unless present; a node seen in traffic stops being idle. */
export function ensureNode(g: WorkingGraph, spec: NodeSpec, idle: boolean): GraphNode {
  const existing = g.nodes.get(spec.id);
  if (existing) {
    if (!idle) delete existing.isIdle;
    return existing;
  }
  const node: GraphNode = { ...spec, hasSidecar: true, health: 'na', badges: [] };
  if (idle) node.isIdle = true;
  g.nodes.set(spec.id, node);
  return node;
}
