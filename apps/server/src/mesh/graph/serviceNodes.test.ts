import { describe, expect, it } from 'vitest';
import type { Flow } from './flows';
import { drawFlows } from './serviceNodes';
import { emptyStats } from './stats';

const flow = (
  source: string,
  service: string,
  dest: string,
  dstWorkload: string,
  srcWorkload: string,
  rps: number,
): Flow => {
  const stats = emptyStats();
  stats.rps = rps;
  return {
    key: `${source}|${service}|${dest}`,
    protocol: 'http',
    source: { id: source, nodeType: 'workload', namespace: 'ns' },
    service: { id: service, nodeType: 'service', namespace: 'ns' },
    destination: { id: dest, nodeType: 'workload', namespace: 'ns' },
    sourceWorkload: srcWorkload,
    destinationWorkload: dstWorkload,
    stats,
  };
};

describe('service nodes', () => {
  const flows = [
    flow('wl:gw', 'svc:a', 'wl:a', 'ns/a', 'ns/gw', 5),
    flow('wl:a', 'svc:b', 'wl:b', 'ns/b', 'ns/a', 2),
  ];
  it('inject a service node between caller and callee', () => {
    const g = drawFlows(flows, { graphType: 'workload', injectServiceNodes: true });
    expect([...g.edges.keys()].sort()).toEqual(['svc:a->wl:a', 'svc:b->wl:b', 'wl:a->svc:b', 'wl:gw->svc:a']);
  });
  it('or draw caller → callee', () => {
    const g = drawFlows(flows, { graphType: 'workload', injectServiceNodes: false });
    expect([...g.edges.keys()].sort()).toEqual(['wl:a->wl:b', 'wl:gw->wl:a']);
  });
  it('service graph: a caller becomes the service its traffic came through; roots stay', () => {
    const g = drawFlows(flows, { graphType: 'service', injectServiceNodes: true });
    expect([...g.edges.keys()].sort()).toEqual(['svc:a->svc:b', 'wl:gw->svc:a']);
    expect(g.edges.get('svc:a->svc:b')?.stats.rps).toBe(2);
  });
});
