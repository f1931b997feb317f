import type { ElementDefinition, LayoutOptions, Position } from 'cytoscape';

export type LayoutChoice = 'auto' | 'hierarchical' | 'force';
export type LayoutName = 'dagre' | 'fcose';

/** Above this many nodes `auto` switches from the hierarchical layout to the force layout. */
export const FORCE_LAYOUT_FROM = 300;
/** PERFORMANCE: above this many nodes the layout runs in a Web Worker so the page stays responsive. */
export const WORKER_LAYOUT_FROM = 200;

export function resolveLayout(choice: LayoutChoice, nodeCount: number): LayoutName {
  if (choice === 'hierarchical') return 'dagre';
  if (choice === 'force') return 'fcose';
  return nodeCount > FORCE_LAYOUT_FROM ? 'fcose' : 'dagre';
}

/** Layout options shared by the main thread and the worker; `fit` is the caller's business. */
export function layoutOptions(name: LayoutName, nodeCount: number): LayoutOptions {
  if (name === 'dagre') {
    return {
      name: 'dagre',
      rankDir: 'LR',
      nodeSep: 34,
      rankSep: 100,
      edgeSep: 12,
      animate: false,
      fit: false,
    } as LayoutOptions;
  }
  return {
    name: 'fcose',
    // PERFORMANCE: the refinement rounds of 'default' take minutes above a few thousand nodes;
    // 'draft' (spectral only) takes seconds but can stack isomorphic parts on each other.
    quality: nodeCount > 2000 ? 'draft' : 'default',
    randomize: true,
    animate: false,
    fit: false,
    nodeRepulsion: () => 6500,
    idealEdgeLength: () => 70,
    nodeSeparation: 60,
    packComponents: true,
  } as LayoutOptions;
}

/** Size every node gets when the layout runs without the real stylesheet (in the worker). */
export const HEADLESS_NODE_SIZE = 40;

export interface WorkerLayoutRequest {
  requestId: number;
  name: LayoutName;
  elements: ElementDefinition[];
}

export interface WorkerLayoutResponse {
  requestId: number;
  positions: Record<string, Position>;
  error?: string;
}
