import { describe, expect, it } from 'vitest';
import { emptyGraph, ensureNode } from './model';
import type { WorkingGraph } from './model';
import { toPayloadEdges } from './output';
import { emptyStats } from './stats';

function graph(edges: [string, string, 'http' | 'grpc' | 'tcp', number][]): WorkingGraph {
  const g = emptyGraph();
  for (const [source, target, protocol, volume] of edges) {
    ensureNode(g, { id: source, nodeType: 'service', namespace: 'ns' }, false);
    ensureNode(
      g,
      { id: target, nodeType: target.startsWith('unknown') ? 'unknown' : 'app', namespace: 'ns' },
      false,
    );
    const stats = emptyStats();
    if (protocol === 'tcp') stats.tcpToDestination = volume;
    else stats.rps = volume;
    const id = `${source}->${target}:${protocol}`;
    g.edges.set(id, { id, source, target, protocol, stats, idle: false });
  }
  return g;
}

describe('payload edges', () => {
  it('share per protocol, and keep unrouted requests out of the versions’ shares', () => {
    const edges = toPayloadEdges(
      graph([
        ['s', 'v1', 'http', 6],
        ['s', 'v2', 'http', 2],
        ['s', 'unknown-dest', 'http', 2],
        ['s', 'v1', 'grpc', 1],
        ['s', 'db', 'tcp', 500],
      ]),
    );
    const share = Object.fromEntries(edges.map((e) => [e.id, e.percentOfSource]));
    expect(share).toEqual({
      's->v1:http': 75,
      's->v2:http': 25,
      's->unknown-dest:http': 20,
      's->v1:grpc': 100,
      's->db:tcp': 100,
    });
  });
  it('quantiles from the summed buckets', () => {
    const g = graph([['s', 'v1', 'http', 10]]);
    const e = g.edges.get('s->v1:http');
    if (!e) throw new Error('fixture');
    e.stats.buckets = new Map([
      [10, 9],
      [100, 10],
      [Infinity, 10],
    ]);
    expect(toPayloadEdges(g)[0]?.responseTimeMs).toEqual({ p50: 5.5556, p95: 55, p99: 91 });
  });
});
