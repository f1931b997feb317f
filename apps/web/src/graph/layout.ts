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

/**
 * Lays out every element of `cy` and fits the view. Small graphs run in place; large ones are
 * laid out in a worker on a headless copy and then placed with the `preset` layout. Resolves
 * false when `isStale()` turned true meanwhile (a newer layout superseded this one).
 */
export async function runLayout(cy: Core, name: LayoutName, isStale: () => boolean): Promise<boolean> {
  const nodeCount = cy.nodes().length;
  if (nodeCount === 0) return true;
  if (nodeCount < WORKER_LAYOUT_FROM || typeof Worker === 'undefined') {
    layoutInPlace(cy, name, nodeCount);
    cy.fit(undefined, 30);
    return true;
  }
  const elements = cy.elements().map((ele) => ({
    group: ele.group(),
    data: ele.isNode()
      ? { id: ele.id(), parent: ele.data('parent') as string | undefined }
      : { id: ele.id(), source: ele.data('source') as string, target: ele.data('target') as string },
  }));
  const positions = await layoutInWorker(name, elements);
  if (isStale() || cy.destroyed()) return false;
  cy.layout({
    name: 'preset',
    positions: (node: cytoscape.NodeSingular) => positions[node.id()] ?? node.position(),
    animate: false,
    fit: false,
  } as LayoutOptions).run();
  cy.fit(undefined, 30);
  return true;
}
