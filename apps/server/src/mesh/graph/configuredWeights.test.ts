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
});
