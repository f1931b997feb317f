import { describe, expect, it } from 'vitest';
import type { GraphResponse, ServiceDetail, WorkloadSummary } from '@sextant/shared';
import { initialWeights, observedSplit, sameWeights, subsetOptions } from './trafficShiftModel';

const service = (subsets: ServiceDetail['subsets']): ServiceDetail => ({
  name: 'reviews',
  namespace: 'bookinfo',
  labels: {},
  ports: [],
  workloads: ['reviews-v1', 'reviews-v2'],
  hasSidecar: true,
  istioConfig: [],
  badges: [],
  subsets,
  object: {},
});
const workload = (name: string, version: string): WorkloadSummary => ({
  name,
  namespace: 'bookinfo',
  kind: 'Deployment',
  labels: {},
  version,
  hasSidecar: true,
  replicas: 1,
  availableReplicas: 1,
  pods: [],
  services: [],
  istioConfig: [],
});

describe('subsetOptions', () => {
  it('takes the DestinationRule subsets when there are any', () => {
    const s = service([
      { name: 'v1', labels: { version: 'v1' }, destinationRule: 'reviews' },
      { name: 'v3', labels: { version: 'v3' }, destinationRule: 'reviews' },
    ]);
    expect(subsetOptions(s, []).map((o) => [o.name, o.derived])).toEqual([
      ['v1', false],
      ['v3', false],
    ]);
  });
  it('derives them from the version labels of the workloads behind the service', () => {
    const ws = [workload('reviews-v2', 'v2'), workload('reviews-v1', 'v1'), workload('ratings-v1', 'v9')];
    expect(subsetOptions(service([]), ws)).toEqual([
      { name: 'v1', labels: { version: 'v1' }, derived: true },
      { name: 'v2', labels: { version: 'v2' }, derived: true },
    ]);
  });
});

describe('weights', () => {
  it('starts from the configured split, filling missing subsets with 0', () => {
    expect(initialWeights({ v1: 80, v2: 20 }, ['v1', 'v2', 'v3'])).toEqual({ v1: 80, v2: 20, v3: 0 });
    expect(initialWeights(undefined, ['v1', 'v2'])).toEqual({ v1: 100, v2: 0 });
  });
  it('compares splits with missing subsets as 0', () => {
    expect(sameWeights({ v1: 100 }, { v1: 100, v2: 0 })).toBe(true);
    expect(sameWeights({ v1: 90, v2: 10 }, { v1: 100, v2: 0 })).toBe(false);
  });
});

describe('observedSplit', () => {
  const graph = {
    nodes: [
      { id: 's', nodeType: 'service', namespace: 'bookinfo', service: 'reviews' },
      { id: 'a', nodeType: 'app', namespace: 'bookinfo', version: 'v1' },
      { id: 'b', nodeType: 'app', namespace: 'bookinfo', version: 'v3' },
    ],
    edges: [
      { source: 's', target: 'a', rps: 3, percentOfSource: 48.5 },
      { source: 's', target: 'b', rps: 3, percentOfSource: 51.5 },
      { source: 'a', target: 'b', rps: 3, percentOfSource: 100 },
    ],
  } as unknown as GraphResponse;
  const subsets = [
    { name: 'v1', labels: { version: 'v1' }, derived: false },
    { name: 'v3', labels: { version: 'v3' }, derived: false },
  ];
  it('reads the percentOfSource of the edges leaving the service node', () => {
    expect(observedSplit(graph, 'bookinfo', 'reviews', subsets)).toEqual({ v1: 48.5, v3: 51.5 });
  });
  it('is undefined without the node or traffic', () => {
    expect(observedSplit(graph, 'bookinfo', 'ratings', subsets)).toBeUndefined();
    expect(observedSplit(undefined, 'bookinfo', 'reviews', subsets)).toBeUndefined();
  });
});
