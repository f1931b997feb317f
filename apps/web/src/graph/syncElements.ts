import type { Core, ElementDefinition, Position } from 'cytoscape';

const STRUCTURAL_KEYS = new Set(['id', 'parent', 'source', 'target']);

function plainData(data: ElementDefinition['data']): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!STRUCTURAL_KEYS.has(key)) result[key] = value;
  return result;
}

/**
 * Brings a live cytoscape instance to exactly `elements` without rebuilding it: removes what is
 * gone, updates data in place, adds what is new, re-parents moved nodes. Existing nodes keep
 * their positions, so a refresh never makes the picture jump. Returns true when the set of node
 * ids changed. With `positions` (from a layout computed beforehand) nodes are placed there.
 */
export function syncElements(
  cy: Core,
  elements: readonly ElementDefinition[],
  positions?: Readonly<Record<string, Position>>,
): boolean {
  const wanted = new Map<string, ElementDefinition>();
  for (const element of elements) if (element.data.id) wanted.set(element.data.id, element);
  let nodesChanged = false;

  cy.batch(() => {
    const reparent: { id: string; parent: string | null }[] = [];
    cy.edges().forEach((edge) => {
      const next = wanted.get(edge.id());
      if (!next || next.data.source !== edge.data('source') || next.data.target !== edge.data('target')) {
        edge.remove();
      }
    });
    cy.nodes().forEach((node) => {
      const next = wanted.get(node.id());
      if (!next) return;
      const parent = (next.data.parent as string | undefined) ?? null;
      const current = (node.data('parent') as string | undefined) ?? null;
      if (parent !== current) {
        // Detach first: removing or replacing the old box must not take this node with it.
        node.move({ parent: null });
        reparent.push({ id: node.id(), parent });
      }
    });
    cy.nodes().forEach((node) => {
      if (!node.removed() && !wanted.has(node.id())) {
        node.remove();
        nodesChanged = true;
      }
    });
    const additions: ElementDefinition[] = [];
    for (const [id, element] of wanted) {
      const existing = cy.getElementById(id);
      if (existing.nonempty()) existing.data(plainData(element.data));
      else {
        const position = positions?.[id];
        additions.push(position ? { ...element, position: { ...position } } : element);
        if (element.group === 'nodes') nodesChanged = true;
      }
    }
    if (additions.length > 0) cy.add(additions);
    for (const { id, parent } of reparent) cy.getElementById(id).move({ parent });
    if (positions) {
      cy.nodes(':childless').forEach((node) => {
        const position = positions[node.id()];
        if (position) node.position(position);
      });
    }
  });
  return nodesChanged;
}
