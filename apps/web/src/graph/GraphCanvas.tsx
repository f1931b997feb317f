import { useEffect, useRef } from 'react';
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import { resolveLayout, runLayout, type LayoutChoice } from './layout';
import { readPalette } from './palette';
import { graphStylesheet } from './stylesheet';
import { syncElements } from './syncElements';

export interface GraphCanvasProps {
  elements: readonly ElementDefinition[];
  layout: LayoutChoice;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** Changing it re-reads the colours from the CSS variables. */
  theme: string;
  /** False while another view covers the canvas; on becoming visible it resizes and fits. */
  visible: boolean;
  /** Describes the picture for assistive technology; the Table view is the accessible equivalent. */
  ariaLabel: string;
}

/**
 * The graph canvas: ONE cytoscape instance for the life of the page. New payloads are merged in a
 * batch (syncElements); the layout re-runs only when the set of node ids or the layout changes.
 */
export function GraphCanvas({
  elements,
  layout,
  selectedId,
  onSelect,
  theme,
  visible,
  ariaLabel,
}: GraphCanvasProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const onSelectRef = useRef(onSelect);
  const layoutKeyRef = useRef('');
  const layoutRunRef = useRef(0);

  useEffect(() => {
    onSelectRef.current = onSelect;
  }, [onSelect]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const cy = cytoscape({
      container,
      style: graphStylesheet(readPalette(container)),
      minZoom: 0.03,
      maxZoom: 3,
      boxSelectionEnabled: false,
      selectionType: 'single',
    });
    cy.on('tap', 'node, edge', (event) => onSelectRef.current(event.target.id() as string));
    cy.on('tap', (event) => {
      if (event.target === cy) onSelectRef.current(null);
    });
    cyRef.current = cy;
    // The canvas changes size when banners come and go or the window resizes; cytoscape must
    // re-measure, and a graph the person has not moved stays fitted.
    let userMoved = false;
    cy.on('dragpan scrollzoom pinchzoom', () => {
      userMoved = true;
    });
    cy.on('layoutstop', () => {
      userMoved = false;
    });
    const observer = new ResizeObserver(() => {
      cy.resize();
      if (!userMoved && cy.elements().nonempty()) cy.fit(undefined, 30);
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      cyRef.current = null;
      layoutKeyRef.current = '';
      cy.destroy();
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    const container = containerRef.current;
    if (!cy || !container) return;
    const nodesChanged = syncElements(cy, elements);
    const nodeCount = cy.nodes().length;
    const layoutName = resolveLayout(layout, nodeCount);
    const key = `${layoutName}:${nodesChanged ? ++layoutRunRef.current : layoutRunRef.current}`;
    // App boxes are groupings, not nodes: count what the summary and tables count.
    container.dataset.nodes = String(cy.nodes('[!isBox]').length);
    container.dataset.edges = String(cy.edges().length);
    if (key === layoutKeyRef.current) return;
    layoutKeyRef.current = key;
    const run = layoutRunRef.current;
    container.dataset.layout = 'running';
    void runLayout(cy, layoutName, () => run !== layoutRunRef.current || cy.destroyed())
      .then((done) => {
        if (done) container.dataset.layout = 'done';
      })
      .catch(() => {
        container.dataset.layout = 'failed';
      });
  }, [elements, layout]);

  useEffect(() => {
    const cy = cyRef.current;
    const container = containerRef.current;
    if (cy && container) cy.style(graphStylesheet(readPalette(container)));
  }, [theme]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.batch(() => {
      cy.elements(':selected').unselect();
      cy.elements('.faded').removeClass('faded');
      const selected = selectedId ? cy.getElementById(selectedId) : cy.collection();
      if (selected.empty()) return;
      selected.select();
      // Fade everything but the selection and its neighbours, so its traffic stands out.
      const keep = selected
        .union(selected.nodes().closedNeighborhood())
        .union(selected.edges().connectedNodes());
      cy.elements().not(keep.union(keep.ancestors())).addClass('faded');
    });
  }, [selectedId, elements]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy || !visible) return;
    // The container had no size while hidden; cytoscape must measure it again.
    cy.resize();
    cy.fit(undefined, 30);
  }, [visible]);

  const zoomBy = (factor: number) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };

  return (
    <div className="graph-canvas">
      <div
        ref={containerRef}
        className="graph-canvas__cy"
        role="img"
        aria-label={ariaLabel}
        data-testid="graph-canvas"
      />
      <div className="graph-canvas__zoom" role="group" aria-label="Zoom">
        <button
          type="button"
          className="icon-button"
          aria-label="Zoom in"
          title="Zoom in"
          onClick={() => zoomBy(1.25)}
        >
          +
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Zoom out"
          title="Zoom out"
          onClick={() => zoomBy(0.8)}
        >
          −
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Fit graph to view"
          title="Fit to view"
          onClick={() => cyRef.current?.fit(undefined, 30)}
        >
          ⤢
        </button>
      </div>
    </div>
  );
}
