import { describe, expect, it } from 'vitest';
import { addConfiguredWeights } from './configuredWeights';
import { emptyGraph, ensureNode, indexConfig } from './model';
import { emptyStats } from './stats';
import { bookinfoConfig } from './__fixtures__/bookinfo';

describe('configured weights', () => {
  it('puts the route’s weights on service → version edges, and idle edges for versions without traffic', () => {
    const g = emptyGraph();
    ensureNode(
      g,
      { id: 'svc:bookinfo:reviews', nodeType: 'service', namespace: 'bookinfo', service: 'reviews' },
      false,
    );
    ensureNode(g, { id: 'app:bookinfo:reviews:v1', nodeType: 'app', namespace: 'bookinfo' }, false);
    const id = 'svc:bookinfo:reviews->app:bookinfo:reviews:v1';
    g.edges.set(id, {
      id,
      source: 'svc:bookinfo:reviews',
      target: 'app:bookinfo:reviews:v1',
      protocol: 'http',
      stats: emptyStats(),
      idle: false,
    });
    addConfiguredWeights(g, indexConfig(bookinfoConfig()), 'versionedApp');
    expect(g.edges.get(id)?.configuredWeight).toBe(80);
    expect(g.edges.get('svc:bookinfo:reviews->app:bookinfo:reviews:v2')).toMatchObject({
      idle: true,
      configuredWeight: 20,
    });
    expect(g.nodes.get('app:bookinfo:reviews:v2')?.isIdle).toBe(true);
  });

  it('compares like with like: a jason rule’s version is shown apart, the default route’s share is of its own traffic', () => {
    const config = bookinfoConfig();
    const vs = config.virtualServices[0];
    if (!vs?.spec) throw new Error('fixture');
    vs.spec.http = [
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
      { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
    ];
    const g = emptyGraph();
    ensureNode(
      g,
      { id: 'svc:bookinfo:reviews', nodeType: 'service', namespace: 'bookinfo', service: 'reviews' },
      false,
    );
    for (const [v, rps] of [
      ['v1', 8],
      ['v2', 2],
    ] as const) {
      const target = `app:bookinfo:reviews:${v}`;
      ensureNode(g, { id: target, nodeType: 'app', namespace: 'bookinfo' }, false);
      const stats = emptyStats();
      stats.rps = rps;
      g.edges.set(`svc->${v}`, {
        id: `svc->${v}`,
        source: 'svc:bookinfo:reviews',
        target,
        protocol: 'http',
        stats,
        idle: false,
      });
    }
    addConfiguredWeights(g, indexConfig(config), 'versionedApp');
    expect(g.edges.get('svc->v1')).toMatchObject({ configuredWeight: 100, defaultRouteShare: 100 });
    expect(g.edges.get('svc->v2')).toMatchObject({ matchRouted: true });
    expect(g.edges.get('svc->v2')?.configuredWeight).toBeUndefined();
  });

  it('a VirtualService whose only rule is a jason rule configures no weights', () => {
    const config = bookinfoConfig();
    const vs = config.virtualServices[0];
    if (!vs?.spec) throw new Error('fixture');
    vs.spec.http = [
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
    ];
    const g = emptyGraph();
    ensureNode(
      g,
      { id: 'svc:bookinfo:reviews', nodeType: 'service', namespace: 'bookinfo', service: 'reviews' },
      false,
    );
    addConfiguredWeights(g, indexConfig(config), 'versionedApp');
    expect([...g.edges.values()].filter((e) => e.configuredWeight !== undefined)).toEqual([]);
  });
});
