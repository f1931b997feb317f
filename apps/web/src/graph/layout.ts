import cytoscape, {
  type Core,
  type ElementDefinition,
  type LayoutOptions,
  type NodeSingular,
  type Position,
} from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import {
  WORKER_LAYOUT_FROM,
  layoutOptions,
  type LayoutName,
  type WorkerLayoutRequest,
  type WorkerLayoutResponse,
} from './layoutOptions';

cytoscape.use(dagre);
cytoscape.use(fcose);

export {
  FORCE_LAYOUT_FROM,
  WORKER_LAYOUT_FROM,
  resolveLayout,
  type LayoutChoice,
  type LayoutName,
} from './layoutOptions';

let worker: Worker | undefined;
let nextRequestId = 1;

function layoutWorker(): Worker {
  worker ??= new Worker(new URL('./layout.worker.ts', import.meta.url), {
    type: 'module',
    name: 'graph-layout',
  });
  return worker;
}

function layoutInWorker(name: LayoutName, elements: ElementDefinition[]): Promise<Record<string, Position>> {
  const requestId = nextRequestId++;
  const target = layoutWorker();
  return new Promise((resolve, reject) => {
    const handleMessage = (event: MessageEvent<WorkerLayoutResponse>) => {
      if (event.data.requestId !== requestId) return;
      target.removeEventListener('message', handleMessage);
      if (event.data.error) reject(new Error(event.data.error));
      else resolve(event.data.positions);
    };
    target.addEventListener('message', handleMessage);
    const request: WorkerLayoutRequest = { requestId, name, elements };
    target.postMessage(request);
  });
}

/** Alphabetical by the drawn label, so a grid of unconnected nodes reads like a list. */
const byLabel = (a: NodeSingular, b: NodeSingular) =>
  String(a.data('label')).localeCompare(String(b.data('label')));

const GRID_CELL = { w: 140, h: 90 };

/**
 * dagre stacks nodes without edges in one tall column (a configuration-only graph is mostly
 * those), so they get a grid under the connected part instead.
 */
function layoutInPlace(cy: Core, name: LayoutName, nodeCount: number): void {
  const isolated = cy
    .nodes()
    .filter((node) => node.isOrphan() && !node.isParent() && node.connectedEdges().length === 0);
  const connected = cy.elements().not(isolated);
  if (name !== 'dagre' || isolated.empty()) {
    cy.layout(layoutOptions(name, nodeCount)).run();
    return;
  }
  let top = 0;
  let left = 0;
  let width = 720;
  if (connected.nodes().nonempty()) {
    connected.layout(layoutOptions(name, connected.nodes().length)).run();
    const box = connected.boundingBox();
    top = box.y2 + 60;
    left = box.x1;
    width = Math.max(box.w, 560);
  }
  const columns = Math.max(1, Math.min(isolated.length, Math.floor(width / GRID_CELL.w)));
  isolated
    .layout({
      name: 'grid',
      animate: false,
      fit: false,
      avoidOverlap: true,
      cols: columns,
      sort: byLabel,
      boundingBox: {
        x1: left,
        y1: top,
        w: columns * GRID_CELL.w,
        h: Math.ceil(isolated.length / columns) * GRID_CELL.h,
      },
    } as LayoutOptions)
    .run();
}

/** True when a graph of this size is laid out in the worker (before its elements reach the canvas). */
export function layoutOffMainThread(nodeCount: number): boolean {
  return nodeCount >= WORKER_LAYOUT_FROM && typeof Worker !== 'undefined';
}

/**
 * Positions for `elements`, computed in the worker on a headless copy. PERFORMANCE: the caller
 * adds the elements to the canvas only once they have positions: thousands of nodes piled at the
 * origin are costly to draw and meaningless to look at.
 */
export function layoutElementsOffThread(
  name: LayoutName,
  elements: readonly ElementDefinition[],
): Promise<Record<string, Position>> {
  const minimal: ElementDefinition[] = elements.map((element) => ({
    group: element.group,
    data:
      element.group === 'edges'
        ? {
            id: element.data.id,
            source: element.data.source as string,
            target: element.data.target as string,
          }
        : { id: element.data.id, parent: element.data.parent as string | undefined },
  }));
  return layoutInWorker(name, minimal);
}

/** Lays out every element of `cy` on the main thread (small graphs) and fits the view. */
export function runLayout(cy: Core, name: LayoutName): void {
  const nodeCount = cy.nodes().length;
  if (nodeCount === 0) return;
  layoutInPlace(cy, name, nodeCount);
  fitView(cy);
}

/** Above this many nodes the view is fitted from node centres alone (see fitView). */
const CHEAP_FIT_FROM = 800;

/**
 * Fits the graph in the view. PERFORMANCE: `cy.fit()` measures every label for the bounding box,
 * which takes seconds at thousands of nodes; there the node centres are close enough.
 */
export function fitView(cy: Core, padding = 30): void {
  const nodes = cy.nodes(':childless');
  if (nodes.length < CHEAP_FIT_FROM) {
    cy.fit(undefined, padding);
    return;
  }
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  nodes.forEach((node) => {
    const { x, y } = node.position();
    x1 = Math.min(x1, x);
    y1 = Math.min(y1, y);
    x2 = Math.max(x2, x);
    y2 = Math.max(y2, y);
  });
  const margin = padding + 40;
  const zoom = Math.max(
    cy.minZoom(),
    Math.min(
      1.5,
      (cy.width() - 2 * margin) / Math.max(1, x2 - x1),
      (cy.height() - 2 * margin) / Math.max(1, y2 - y1),
    ),
  );
  cy.viewport({
    zoom,
    pan: { x: cy.width() / 2 - ((x1 + x2) / 2) * zoom, y: cy.height() / 2 - ((y1 + y2) / 2) * zoom },
  });
}
