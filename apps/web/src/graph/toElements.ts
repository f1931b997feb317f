import type { ElementDefinition } from 'cytoscape';
import type { GraphEdge, GraphNode, GraphResponse } from '@sextant/shared';
import { formatBytes, formatMs, formatPercent, formatRate } from './format';
import { nodeCanvasName } from './names';
import type { Visibility } from './visibility';

export type EdgeLabelMode = 'none' | 'rps' | 'percent' | 'error' | 'p95' | 'throughput';
export type EdgeState = 'healthy' | 'degraded' | 'failure' | 'idle' | 'tcp';
export type MtlsLevel = 'full' | 'partial' | 'none';

/** Observed share this many points away from the configured weight is flagged as drift. */
export const DRIFT_POINTS = 10;
/** An edge's error share at or above this is failing (DESIGN.md health defaults); above 0, degraded. */
export const FAILURE_ERROR_RATE = 0.1;

/**
 * Everything the stylesheet selects on, for a node. Every key is always present (null when not
 * applicable) so an update through `ele.data(...)` never leaves a stale value behind.
 */
export interface NodeData {
  id: string;
  parent?: string;
  /** The name drawn on the node. */
  name: string;
  /** What the canvas prints: the name, and the badges on a second line. */
  label: string;
  nodeType: GraphNode['nodeType'];
  health: GraphNode['health'];
  namespace: string;
  isBox: boolean;
  idle: boolean;
  hasSidecar: boolean;
  /** Badges as the second label line, e.g. `VS · TS`; empty when none. */
  badges: string;
  found: boolean;
}

export interface EdgeData {
  id: string;
  source: string;
  target: string;
  protocol: GraphEdge['protocol'];
  state: EdgeState;
  /** Line width in px, growing with the logarithm of the rate. */
  width: number;
  mtls: MtlsLevel;
  label: string;
  /** Has a configured route weight (a canary split). */
  canary: boolean;
  /** Observed share differs from the configured weight by more than DRIFT_POINTS. */
  drift: boolean;
  found: boolean;
}

export interface ElementsOptions {
  edgeLabels: EdgeLabelMode;
  visibility?: Visibility;
}

export function edgeState(edge: GraphEdge): EdgeState {
  if (edge.isIdle || edge.rps === 0) return 'idle';
  if (edge.protocol === 'tcp') return 'tcp';
  if (edge.errorRate >= FAILURE_ERROR_RATE) return 'failure';
  if (edge.errorRate > 0) return 'degraded';
  return 'healthy';
}

/** Full from 99.5 % up: rate arithmetic over a window rarely lands exactly on 100. */
export function mtlsLevel(percent: number): MtlsLevel {
  if (percent >= 99.5) return 'full';
  if (percent > 0) return 'partial';
  return 'none';
}

export function edgeWidth(rps: number): number {
  if (rps <= 0) return 1;
  return Math.min(8, Math.round((1.2 + 1.5 * Math.log10(1 + rps)) * 10) / 10);
}

export function edgeLabel(edge: GraphEdge, mode: EdgeLabelMode): string {
  const idle = edge.isIdle || edge.rps === 0;
  switch (mode) {
    case 'none':
      return '';
    case 'rps':
      return idle ? '' : `${formatRate(edge.rps)}${edge.protocol === 'tcp' ? 'cps' : 'rps'}`;
    case 'percent':
      return idle ? '' : `${formatPercent(edge.percentOfSource)}%`;
    case 'error':
      return edge.errorRate > 0 ? `${formatPercent(edge.errorRate * 100)}%err` : '';
    case 'p95':
      return edge.responseTimeMs.p95 == null || idle ? '' : `p95 ${formatMs(edge.responseTimeMs.p95)}`;
    case 'throughput':
      // TCP edges carry bytes; HTTP and gRPC edges have no byte counts in the graph's queries.
      return edge.tcpBytesPerSecond === undefined || idle ? '' : formatBytes(edge.tcpBytesPerSecond);
  }
}

/**
 * What drift compares with the configured weight: the edge's share of the default route's
 * traffic (header-matched requests left out), or its share of everything when the server did not
 * say. Undefined for versions only match rules route to: they are no part of the split.
 */
export function observedSplitShare(edge: GraphEdge): number | undefined {
  if (edge.matchRouted) return undefined;
  return edge.defaultRouteShare ?? edge.percentOfSource;
}

/** The observed split differs from the configured weight by more than DRIFT_POINTS. */
export function hasDrift(edge: GraphEdge): boolean {
  const share = observedSplitShare(edge);
  const idle = edge.isIdle || edge.rps === 0;
  return (
    edge.configuredWeight !== undefined &&
    share !== undefined &&
    !idle &&
    Math.abs(share - edge.configuredWeight) > DRIFT_POINTS
  );
}

/** `40% (cfg 50%)` on a canary edge, with a warning sign when the split drifted from the config. */
export function canaryLabel(edge: GraphEdge): { label: string; drift: boolean } {
  if (edge.matchRouted && edge.configuredWeight === undefined) return { label: 'match rule', drift: false };
  if (edge.configuredWeight === undefined) return { label: '', drift: false };
  const idle = edge.isIdle || edge.rps === 0;
  const drift = hasDrift(edge);
  const observed = idle ? '0%' : `${formatPercent(observedSplitShare(edge) ?? edge.percentOfSource)}%`;
  return {
    label: `${observed} (cfg ${formatPercent(edge.configuredWeight)}%)${drift ? ' ⚠' : ''}`,
    drift,
  };
}

/**
 * Turns the graph API payload into cytoscape elements: app boxes as compound parents (listed
 * first, so children can reference them), hidden elements left out, find matches flagged.
 */
export function toElements(graph: GraphResponse, options: ElementsOptions): ElementDefinition[] {
  const hidden = options.visibility?.hidden;
  const found = options.visibility?.found;
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const boxes: ElementDefinition[] = [];
  const nodes: ElementDefinition[] = [];
  const edges: ElementDefinition[] = [];

  for (const node of graph.nodes) {
    if (hidden?.has(node.id)) continue;
    const parentNode = node.parent ? byId.get(node.parent) : undefined;
    const parentVisible = parentNode !== undefined && !hidden?.has(parentNode.id);
    const name = nodeCanvasName(node, parentVisible ? parentNode : undefined);
    const badges = node.badges.join(' · ');
    const data: NodeData = {
      id: node.id,
      name,
      label: badges ? `${name}\n${badges}` : name,
      nodeType: node.nodeType,
      health: node.health,
      namespace: node.namespace,
      isBox: node.isBox ?? false,
      idle: node.isIdle ?? false,
      hasSidecar: node.hasSidecar,
      badges,
      found: found?.has(node.id) ?? false,
    };
    if (parentVisible) data.parent = parentNode.id;
    (node.isBox ? boxes : nodes).push({ group: 'nodes', data });
  }

  for (const edge of graph.edges) {
    if (hidden?.has(edge.id) || !byId.has(edge.source) || !byId.has(edge.target)) continue;
    if (hidden?.has(edge.source) || hidden?.has(edge.target)) continue;
    const canary = canaryLabel(edge);
    const label = [edgeLabel(edge, options.edgeLabels), canary.label].filter(Boolean).join('\n');
    const data: EdgeData = {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      protocol: edge.protocol,
      state: edgeState(edge),
      width: edgeWidth(edge.rps),
      mtls: mtlsLevel(edge.mtlsPercent),
      label,
      canary: edge.configuredWeight !== undefined,
      drift: canary.drift,
      found: found?.has(edge.id) ?? false,
    };
    edges.push({ group: 'edges', data });
  }
  return [...boxes, ...nodes, ...edges];
}
