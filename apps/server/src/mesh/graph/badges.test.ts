import { describe, expect, it } from 'vitest';
import { addBadges } from './badges';
import { emptyGraph, ensureNode, indexConfig } from './model';
import { bookinfoConfig } from './__fixtures__/bookinfo';

describe('badges', () => {
  it('enrich nodes from the cache, and leave nodes it does not know alone', () => {
    const g = emptyGraph();
    ensureNode(
      g,
      { id: 'svc:bookinfo:details', nodeType: 'service', namespace: 'bookinfo', service: 'details' },
      false,
    );
    ensureNode(g, { id: 'app:curl:curl', nodeType: 'app', namespace: 'curl', app: 'curl' }, false);
    ensureNode(
      g,
      {
        id: 'app:bookinfo:reviews:v4',
        nodeType: 'app',
        namespace: 'bookinfo',
        app: 'reviews',
        version: 'v4',
      },
      false,
    );
    ensureNode(g, { id: 'unknown', nodeType: 'unknown', namespace: 'unknown' }, false);
    addBadges(g, indexConfig(bookinfoConfig()));
    expect(g.nodes.get('svc:bookinfo:details')?.badges).toEqual(['FI', 'TO', 'VS']);
    expect(g.nodes.get('app:curl:curl')).toMatchObject({ hasSidecar: false, badges: ['MS'] });
    expect(g.nodes.get('app:bookinfo:reviews:v4')).toMatchObject({ hasSidecar: true, badges: [] });
    expect(g.nodes.get('unknown')).toMatchObject({ hasSidecar: false, badges: [] });
  });
});
