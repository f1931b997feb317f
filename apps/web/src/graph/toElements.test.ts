import { describe, expect, it } from 'vitest';
import type { ElementDefinition } from 'cytoscape';
import { bookinfoGraph } from './__fixtures__/bookinfoGraph';
import { parseFindHide, type Expr } from './findHide';
import { canaryLabel, edgeLabel, edgeState, edgeWidth, mtlsLevel, toElements } from './toElements';
import { computeVisibility } from './visibility';

const edgeById = (id: string) => {
  const edge = bookinfoGraph.edges.find((e) => e.id === id);
  if (!edge) throw new Error(id);
  return edge;
};

function expr(source: string): Expr | null {
  const result = parseFindHide(source);
  if (!result.ok) throw new Error(result.error.message);
  return result.expr;
}

function data(elements: ElementDefinition[], id: string): Record<string, unknown> {
  const element = elements.find((e) => e.data.id === id);
  if (!element) throw new Error(`no element ${id}`);
  return element.data;
}

describe('toElements', () => {
  const elements = toElements(bookinfoGraph, { edgeLabels: 'none' });

  it('emits every node and edge, boxes first so children can reference them', () => {
    expect(elements).toHaveLength(bookinfoGraph.nodes.length + bookinfoGraph.edges.length);
    expect(elements[0]?.data.id).toBe('box:reviews');
    expect(elements.filter((e) => e.group === 'nodes')).toHaveLength(12);
  });

  it('gives nodes the fields the stylesheet selects on', () => {
    expect(data(elements, 'reviews-v2')).toEqual({
      id: 'reviews-v2',
      parent: 'box:reviews',
      name: 'v2',
      label: 'v2',
      nodeType: 'app',
      health: 'degraded',
      namespace: 'bookinfo',
      isBox: false,
      idle: false,
      hasSidecar: true,
      badges: '',
      found: false,
    });
    expect(data(elements, 'box:reviews')).toMatchObject({ label: 'reviews', isBox: true });
    expect(data(elements, 'svc:reviews')).toMatchObject({
      name: 'reviews',
      label: 'reviews\nVS · TS',
      nodeType: 'service',
      badges: 'VS · TS',
    });
    expect(data(elements, 'productpage-v1')).toMatchObject({ label: 'productpage v1' });
    expect(data(elements, 'reviews-v3')).toMatchObject({ idle: true });
    expect(data(elements, 'productpage-v1')).not.toHaveProperty('parent');
  });

  it('gives edges state, width, mTLS level and the canary label', () => {
    expect(data(elements, 'e5')).toEqual({
      id: 'e5',
      source: 'svc:reviews',
      target: 'reviews-v2',
      protocol: 'http',
      state: 'degraded',
      width: edgeWidth(3),
      mtls: 'partial',
      label: '30% (cfg 0%) ⚠',
      canary: true,
      drift: true,
      found: false,
    });
    expect(data(elements, 'e4')).toMatchObject({ label: '70% (cfg 80%)', drift: false, mtls: 'full' });
    expect(data(elements, 'e6')).toMatchObject({ state: 'idle', label: '0% (cfg 20%)', drift: false });
    expect(data(elements, 'e9')).toMatchObject({ state: 'tcp', protocol: 'tcp' });
    expect(data(elements, 'e1')).toMatchObject({ mtls: 'none', label: '' });
  });

  it('labels edges by the chosen mode', () => {
    const rps = toElements(bookinfoGraph, { edgeLabels: 'rps' });
    expect(data(rps, 'e3').label).toBe('10rps');
    expect(data(rps, 'e4').label).toBe('7rps\n70% (cfg 80%)');
    expect(data(rps, 'e9').label).toBe('0.5cps');
    expect(data(rps, 'e6').label).toBe('0% (cfg 20%)');
    expect(data(toElements(bookinfoGraph, { edgeLabels: 'p95' }), 'e3').label).toBe('p95 120ms');
    expect(data(toElements(bookinfoGraph, { edgeLabels: 'error' }), 'e7').label).toBe('25%err');
    expect(data(toElements(bookinfoGraph, { edgeLabels: 'error' }), 'e3').label).toBe('');
    expect(data(toElements(bookinfoGraph, { edgeLabels: 'percent' }), 'e10').label).toBe('100%');
  });

  it('leaves hidden elements out and flags found ones', () => {
    const visibility = computeVisibility(bookinfoGraph, {
      find: expr('error > 1%'),
      hide: expr('version = v3 or ns = curl'),
      showUnknown: false,
    });
    const shown = toElements(bookinfoGraph, { edgeLabels: 'none', visibility });
    const ids = shown.map((e) => e.data.id);
    expect(ids).not.toContain('reviews-v3');
    expect(ids).not.toContain('e6');
    expect(ids).not.toContain('curl');
    expect(ids).not.toContain('e10');
    expect(ids).not.toContain('unknown');
    expect(ids).not.toContain('e1');
    expect(ids).toContain('box:reviews');
    expect(
      shown
        .filter((e) => e.data.found)
        .map((e) => e.data.id)
        .sort(),
    ).toEqual(['e5', 'e7', 'e8', 'reviews-v2']);
  });

  it('hides an app box with all its versions and unboxes nothing else', () => {
    const visibility = computeVisibility(bookinfoGraph, {
      find: null,
      hide: expr('app = reviews'),
      showUnknown: true,
    });
    const ids = toElements(bookinfoGraph, { edgeLabels: 'none', visibility }).map((e) => e.data.id);
    expect(ids).not.toContain('box:reviews');
    expect(ids).not.toContain('svc:reviews');
    expect(ids).not.toContain('e3');
    expect(ids).toContain('svc:ratings');
  });
});

describe('edge helpers', () => {
  it('colours by error share with TCP and idle apart', () => {
    expect(edgeState(edgeById('e3'))).toBe('healthy');
    expect(edgeState(edgeById('e5'))).toBe('degraded');
    expect(edgeState(edgeById('e7'))).toBe('failure');
    expect(edgeState(edgeById('e9'))).toBe('tcp');
    expect(edgeState(edgeById('e6'))).toBe('idle');
  });

  it('classifies mTLS with a small tolerance for rate arithmetic', () => {
    expect(mtlsLevel(100)).toBe('full');
    expect(mtlsLevel(99.7)).toBe('full');
    expect(mtlsLevel(50)).toBe('partial');
    expect(mtlsLevel(0)).toBe('none');
  });

  it('widens edges logarithmically and caps them', () => {
    expect(edgeWidth(0)).toBe(1);
    expect(edgeWidth(1)).toBeLessThan(edgeWidth(10));
    expect(edgeWidth(10)).toBeLessThan(edgeWidth(100));
    expect(edgeWidth(1e9)).toBe(8);
  });

  it('formats labels the way Kiali users read them', () => {
    expect(edgeLabel({ ...edgeById('e3'), rps: 12.5 }, 'rps')).toBe('12.5rps');
    expect(edgeLabel({ ...edgeById('e3'), errorRate: 0.032 }, 'error')).toBe('3.2%err');
    expect(edgeLabel({ ...edgeById('e3'), percentOfSource: 40 }, 'percent')).toBe('40%');
    expect(canaryLabel(edgeById('e3'))).toEqual({ label: '', drift: false });
  });

  it('labels TCP throughput', () => {
    expect(edgeLabel({ ...edgeById('e9'), tcpBytesPerSecond: 2048, rps: 1 }, 'throughput')).toBe('2 KiB/s');
    expect(edgeLabel(edgeById('e3'), 'throughput')).toBe('');
  });

  it('compares the default route’s share with the weights, and keeps match-rule versions apart', () => {
    const e = { ...edgeById('e3'), rps: 8, configuredWeight: 100, percentOfSource: 80 };
    // 80% of everything, but 100% of the default route's traffic: no drift.
    expect(canaryLabel({ ...e, defaultRouteShare: 100 })).toEqual({ label: '100% (cfg 100%)', drift: false });
    expect(canaryLabel(e)).toEqual({ label: '80% (cfg 100%) ⚠', drift: true });
    expect(canaryLabel({ ...edgeById('e3'), rps: 2, matchRouted: true })).toEqual({
      label: 'match rule',
      drift: false,
    });
  });

  it('keeps unknown destinations when unknown callers are hidden: they carry failures', () => {
    const graph = {
      ...bookinfoGraph,
      nodes: [
        ...bookinfoGraph.nodes,
        {
          id: 'unknown-dest:bookinfo',
          nodeType: 'unknown' as const,
          namespace: 'bookinfo',
          hasSidecar: false,
          health: 'na' as const,
          badges: [],
        },
      ],
    };
    const v = computeVisibility(graph, { find: null, hide: null, showUnknown: false });
    expect(v.hidden.has('unknown-dest:bookinfo')).toBe(false);
  });
});
