/// <reference lib="webworker" />
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import fcose from 'cytoscape-fcose';
import {
  HEADLESS_NODE_SIZE,
  layoutOptions,
  type WorkerLayoutRequest,
  type WorkerLayoutResponse,
} from './layoutOptions';

cytoscape.use(dagre);
cytoscape.use(fcose);

// Lays out a headless copy of the graph off the main thread and answers with node positions.
self.addEventListener('message', (event: MessageEvent<WorkerLayoutRequest>) => {
  const { requestId, name, elements } = event.data;
  let response: WorkerLayoutResponse;
  try {
    const cy = cytoscape({
      headless: true,
      styleEnabled: true,
      elements,
      style: [{ selector: 'node', style: { width: HEADLESS_NODE_SIZE, height: HEADLESS_NODE_SIZE } }],
    });
    cy.layout(layoutOptions(name, cy.nodes().length)).run();
    const positions: WorkerLayoutResponse['positions'] = {};
    cy.nodes().forEach((node) => {
      if (!node.isParent()) positions[node.id()] = { ...node.position() };
    });
    cy.destroy();
    response = { requestId, positions };
  } catch (error) {
    response = { requestId, positions: {}, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(response);
});
