import cytoscape, { type Core, type ElementDefinition, type LayoutOptions, type Position } from 'cytoscape';
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

/**
 * Lays out every element of `cy` and fits the view. Small graphs run in place; large ones are
 * laid out in a worker on a headless copy and then placed with the `preset` layout. Resolves
 * false when `isStale()` turned true meanwhile (a newer layout superseded this one).
 */
export async function runLayout(cy: Core, name: LayoutName, isStale: () => boolean): Promise<boolean> {
  const nodeCount = cy.nodes().length;
  if (nodeCount === 0) return true;
  if (nodeCount < WORKER_LAYOUT_FROM || typeof Worker === 'undefined') {
    cy.layout(layoutOptions(name, nodeCount)).run();
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
