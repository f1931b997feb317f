import type { GraphEdge, GraphNode } from '@sextant/shared';
import { kialiThresholds } from '../health';
import type { MeshConfig, Telemetry } from '../types';
import { addBadges } from './badges';
import { addAppBoxes } from './boxes';
import { addConfiguredWeights } from './configuredWeights';
import { buildFlows } from './flows';
import { addIdleNodes } from './idle';
import { indexConfig } from './model';
import type { GraphOptions } from './model';
import { addHealth } from './nodeHealth';
import { sortedNodes, toPayloadEdges } from './output';
import { drawFlows } from './serviceNodes';
import { selectTraffic } from './traffic';

export type { GraphOptions } from './model';
export { edgeId } from './model';

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * Telemetry and configuration → the graph of one graph type, as a pipeline of small pure stages
 * (README.md beside this file): traffic → nodes and edges → service nodes → idle → configured
 * weights → boxes → health → badges. The same inputs give the same graph, sorted by id.
 */
export function buildGraph(telemetry: Telemetry, config: MeshConfig, options: GraphOptions): Graph {
  const { graphType, injectServiceNodes, namespaces } = options;
  const index = indexConfig(config);
  const traffic = selectTraffic(telemetry, namespaces);
  const flows = buildFlows(traffic, index, graphType);
  const g = drawFlows(flows, { graphType, injectServiceNodes });
  if (options.idleNodes)
    addIdleNodes(g, index, {
      graphType,
      namespaces,
      withServiceNodes: graphType === 'service' || injectServiceNodes,
    });
  if (graphType !== 'service' && injectServiceNodes) addConfiguredWeights(g, index, graphType);
  if (graphType === 'versionedApp') addAppBoxes(g);
  addHealth(g, options.thresholds ?? kialiThresholds);
  addBadges(g, index);
  return { nodes: sortedNodes(g), edges: toPayloadEdges(g) };
}
