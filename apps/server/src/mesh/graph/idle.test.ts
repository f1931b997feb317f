import { describe, expect, it } from 'vitest';
import { addIdleNodes } from './idle';
import { emptyGraph, ensureNode, indexConfig } from './model';
import { bookinfoConfig } from './__fixtures__/bookinfo';

describe('idle nodes', () => {
  it('adds the requested namespaces’ services and workloads, idle unless traffic drew them', () => {
    const g = emptyGraph();
    ensureNode(g, { id: 'app:bookinfo:reviews:v1', nodeType: 'app', namespace: 'bookinfo' }, false);
    addIdleNodes(g, indexConfig(bookinfoConfig()), {
      graphType: 'versionedApp',
      namespaces: ['bookinfo'],
      withServiceNodes: true,
    });
    expect(g.nodes.get('app:bookinfo:reviews:v3')?.isIdle).toBe(true);
    expect(g.nodes.get('svc:bookinfo:reviews')?.isIdle).toBe(true);
    expect(g.nodes.get('app:bookinfo:reviews:v1')?.isIdle).toBeUndefined();
    expect(g.nodes.has('app:curl:curl')).toBe(false);
  });
  it('service graph: services only', () => {
    const g = emptyGraph();
    addIdleNodes(g, indexConfig(bookinfoConfig()), {
      graphType: 'service',
      namespaces: ['bookinfo'],
      withServiceNodes: true,
    });
    expect([...g.nodes.values()].every((n) => n.nodeType === 'service')).toBe(true);
  });
});
