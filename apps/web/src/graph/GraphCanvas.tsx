import { useEffect, useRef } from 'react';
import cytoscape, { type Core, type ElementDefinition } from 'cytoscape';
import {
  fitView,
  layoutElementsOffThread,
  layoutOffMainThread,
  resolveLayout,
  runLayout,
  type LayoutChoice,
} from './layout';
import { readPalette } from './palette';
import { LARGE_GRAPH_NODES, graphStylesheet } from './stylesheet';
import { syncElements } from './syncElements';

/** The stylesheet in the colours of the active theme; the surface colour is exposed for tests. */
function stylesheetFor(container: HTMLElement, large: boolean) {
  const palette = readPalette(container);
  container.dataset.surface = palette.surface;
  return graphStylesheet(palette, { large });
}

/** Zoom from which a large graph shows the labels of the nodes in view. */
const LABEL_ZOOM = 0.45;

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
  /** Layout name and node ids of the picture on the canvas (or being laid out for it). */
  const layoutKeyRef = useRef('');
  const layoutRunRef = useRef(0);
  /** True while the worker lays out a new node set; refreshes meanwhile only update latestRef. */
  const pendingRef = useRef(false);
  const latestRef = useRef(elements);
  const largeRef = useRef(false);

  useEffect(() => {
    onSelectRef.current = onSelect;
  }, [onSelect]);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const cy = cytoscape({
      container,
      style: stylesheetFor(container, false),
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
    // PERFORMANCE: in a large graph only nodes in view carry a label, once zoomed in to read them.
    let labelTimer: ReturnType<typeof setTimeout> | undefined;
    cy.on('viewport', () => {
      clearTimeout(labelTimer);
      labelTimer = setTimeout(() => {
        if (!largeRef.current || cy.destroyed()) return;
        const before = cy.nodes('.labelled');
        let after = cy.collection();
        if (cy.zoom() >= LABEL_ZOOM) {
          const { x1, x2, y1, y2 } = cy.extent();
          after = cy.nodes().filter((node) => {
            const { x, y } = node.position();
            return x >= x1 && x <= x2 && y >= y1 && y <= y2;
          });
        }
        cy.batch(() => {
          before.not(after).removeClass('labelled');
          after.not(before).addClass('labelled');
        });
      }, 150);
    });
    const observer = new ResizeObserver(() => {
      cy.resize();
      if (!userMoved && cy.elements().nonempty()) fitView(cy);
    });
    observer.observe(container);
    return () => {
      clearTimeout(labelTimer);
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
    latestRef.current = elements;
    const nodeIds: string[] = [];
    for (const element of elements)
      if (element.group === 'nodes' && element.data.id) nodeIds.push(element.data.id);
    const layoutName = resolveLayout(layout, nodeIds.length);
    const key = `${layoutName}|${nodeIds.sort().join('\n')}`;

    const large = nodeIds.length > LARGE_GRAPH_NODES;
    if (large !== largeRef.current) {
      largeRef.current = large;
      cy.style(stylesheetFor(container, large));
    }
    const showCounts = () => {
      // App boxes are groupings, not nodes: count what the summary and tables count.
      container.dataset.nodes = String(cy.nodes('[!isBox]').length);
      container.dataset.edges = String(cy.edges().length);
    };

    if (key === layoutKeyRef.current) {
      // Same nodes, same layout: a refresh. Merge in place, nothing moves.
      if (!pendingRef.current) {
        syncElements(cy, elements);
        showCounts();
      }
      return;
    }
    layoutKeyRef.current = key;
    const run = ++layoutRunRef.current;

    if (!layoutOffMainThread(nodeIds.length)) {
      pendingRef.current = false;
      syncElements(cy, elements);
      runLayout(cy, layoutName);
      showCounts();
      container.dataset.layout = 'done';
      return;
    }
    pendingRef.current = true;
    container.dataset.layout = 'running';
    layoutElementsOffThread(layoutName, elements)
      .then((positions) => {
        if (run !== layoutRunRef.current || cy.destroyed()) return;
        pendingRef.current = false;
        syncElements(cy, latestRef.current, positions);
        fitView(cy);
        showCounts();
        container.dataset.layout = 'done';
      })
      .catch(() => {
        if (run !== layoutRunRef.current || cy.destroyed()) return;
        // The worker failed (e.g. blocked by a content policy): lay out here rather than not at all.
        pendingRef.current = false;
        syncElements(cy, latestRef.current);
        runLayout(cy, layoutName);
        showCounts();
        container.dataset.layout = 'done';
      });
  }, [elements, layout]);

  useEffect(() => {
    const cy = cyRef.current;
    const container = containerRef.current;
    if (cy && container) cy.style(stylesheetFor(container, largeRef.current));
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
    fitView(cy);
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
          onClick={() => {
            if (cyRef.current) fitView(cyRef.current);
          }}
        >
          ⤢
        </button>
      </div>
    </div>
  );
}
