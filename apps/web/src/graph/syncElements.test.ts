import { afterEach, describe, expect, it } from 'vitest';
import cytoscape, { type Core } from 'cytoscape';
import { bookinfoGraph } from './__fixtures__/bookinfoGraph';
import { syncElements } from './syncElements';
import { toElements } from './toElements';
import { computeVisibility } from './visibility';
import { parseFindHide } from './findHide';

let cy: Core | undefined;
afterEach(() => cy?.destroy());

function headless(): Core {
  cy = cytoscape({ headless: true, styleEnabled: false });
  return cy;
}

describe('syncElements', () => {
  it('adds everything the first time and reports the node set changed', () => {
    const core = headless();
    expect(syncElements(core, toElements(bookinfoGraph, { edgeLabels: 'none' }))).toBe(true);
    expect(core.nodes()).toHaveLength(bookinfoGraph.nodes.length);
    expect(core.edges()).toHaveLength(bookinfoGraph.edges.length);
    expect(core.getElementById('reviews-v1').parent().first().id()).toBe('box:reviews');
  });

  it('updates data in place on a refresh, keeping positions, without a layout', () => {
    const core = headless();
    syncElements(core, toElements(bookinfoGraph, { edgeLabels: 'none' }));
    core.getElementById('productpage-v1').position({ x: 123, y: 45 });
    const busier = {
      ...bookinfoGraph,
      edges: bookinfoGraph.edges.map((e) => (e.id === 'e3' ? { ...e, rps: 99, errorRate: 0.5 } : e)),
    };
    expect(syncElements(core, toElements(busier, { edgeLabels: 'rps' }))).toBe(false);
    expect(core.getElementById('productpage-v1').position()).toEqual({ x: 123, y: 45 });
    expect(core.getElementById('e3').data()).toMatchObject({ label: '99rps', state: 'failure' });
  });

  it('places new and existing nodes at precomputed positions (worker layout)', () => {
    const core = headless();
    const positions = { 'productpage-v1': { x: 10, y: 20 }, 'reviews-v1': { x: 300, y: 40 } };
    syncElements(core, toElements(bookinfoGraph, { edgeLabels: 'none' }), positions);
    expect(core.getElementById('productpage-v1').position()).toEqual({ x: 10, y: 20 });
    expect(core.getElementById('reviews-v1').position()).toEqual({ x: 300, y: 40 });
    syncElements(core, toElements(bookinfoGraph, { edgeLabels: 'none' }), {
      'productpage-v1': { x: -5, y: 7 },
    });
    expect(core.getElementById('productpage-v1').position()).toEqual({ x: -5, y: 7 });
    expect(core.getElementById('reviews-v1').position()).toEqual({ x: 300, y: 40 });
  });

  it('removes hidden elements, brings them back, and re-parents across box changes', () => {
    const core = headless();
    syncElements(core, toElements(bookinfoGraph, { edgeLabels: 'none' }));
    const hide = parseFindHide('app = reviews and type = app');
    if (!hide.ok) throw new Error(hide.error.message);
    const visibility = computeVisibility(bookinfoGraph, { find: null, hide: hide.expr, showUnknown: true });
    expect(syncElements(core, toElements(bookinfoGraph, { edgeLabels: 'none', visibility }))).toBe(true);
    expect(core.getElementById('box:reviews').empty()).toBe(true);
    expect(core.getElementById('e4').empty()).toBe(true);
    expect(core.getElementById('svc:reviews').nonempty()).toBe(true);

    // The versions move out of their box when the payload stops boxing them.
    const unboxed = {
      ...bookinfoGraph,
      nodes: bookinfoGraph.nodes.filter((n) => !n.isBox).map(({ parent: _parent, ...n }) => n),
    };
    expect(syncElements(core, toElements(unboxed, { edgeLabels: 'none' }))).toBe(true);
    expect(core.getElementById('reviews-v1').isOrphan()).toBe(true);
    expect(core.getElementById('e4').nonempty()).toBe(true);

    // And back into a box that did not exist a moment ago.
    expect(syncElements(core, toElements(bookinfoGraph, { edgeLabels: 'none' }))).toBe(true);
    expect(core.getElementById('reviews-v2').parent().first().id()).toBe('box:reviews');
    expect(core.nodes()).toHaveLength(bookinfoGraph.nodes.length);
  });
});
