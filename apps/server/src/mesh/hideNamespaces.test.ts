import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '@sextant/shared';
import { hideNamespaces } from './hideNamespaces';

const node = (id: string, namespace: string): GraphNode => ({
  id,
  nodeType: 'app',
  namespace,
  hasSidecar: true,
  health: 'healthy',
  badges: [],
});
const edge = (source: string, target: string): GraphEdge => ({
  id: `${source}->${target}`,
  source,
  target,
  protocol: 'http',
  rps: 1,
  errorRate: 0,
  percentOfSource: 100,
  mtlsPercent: 100,
  responseTimeMs: { p50: 1, p95: 2, p99: 3 },
});

describe('hideNamespaces', () => {
  const graph = {
    nodes: [node('a', 'shop'), node('b', 'secret'), node('c', 'shop'), node('unknown', 'unknown')],
    edges: [edge('a', 'b'), edge('b', 'c'), edge('a', 'c'), edge('unknown', 'a')],
  };
  it('drops nodes of hidden namespaces and every edge touching them', () => {
    const out = hideNamespaces(graph, (ns) => ns === 'secret');
    expect(out.nodes.map((n) => n.id)).toEqual(['a', 'c', 'unknown']);
    expect(out.edges.map((e) => e.id)).toEqual(['a->c', 'unknown->a']);
  });
  it('returns the graph untouched when nothing is hidden', () => {
    expect(hideNamespaces(graph, () => false)).toBe(graph);
  });
});
