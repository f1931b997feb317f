import { describe, expect, it } from 'vitest';
import { typedIstio } from '../validations/testInventory';
import type { ServiceInfo, WorkloadInfo } from '../types';
import { availableSubsets, pickVirtualService, planTrafficShift, workloadsBehind } from './trafficShift';

const reviews: ServiceInfo = {
  name: 'reviews',
  namespace: 'bookinfo',
  labels: {},
  selector: { app: 'reviews' },
  ports: [{ port: 9080 }],
};
const workload = (version: string): WorkloadInfo => ({
  name: `reviews-${version}`,
  namespace: 'bookinfo',
  kind: 'Deployment',
  labels: { app: 'reviews', version },
  app: 'reviews',
  version,
  hasSidecar: true,
  replicas: 1,
  availableReplicas: 1,
  pods: [],
});
const workloads = [workload('v1'), workload('v2'), workload('v3')];

const jasonVs = typedIstio('VirtualService', {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo', resourceVersion: '42' },
  spec: {
    hosts: ['reviews'],
    http: [
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
      {
        route: [{ destination: { host: 'reviews', subset: 'v3' } }],
        timeout: '2s',
        retries: { attempts: 3 },
      },
    ],
  },
});
const dr = typedIstio('DestinationRule', {
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: {
    host: 'reviews',
    trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    subsets: [
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v3', labels: { version: 'v3' } },
    ],
  },
});

describe('planTrafficShift', () => {
  it('rewrites only the catch-all route and keeps the match rule, timeout and retries', () => {
    const plan = planTrafficShift({
      service: reviews,
      weights: { v1: 50, v3: 50 },
      virtualService: jasonVs,
      destinationRule: dr,
      subsets: availableSubsets(dr, workloads),
    });
    expect(plan.destinationRule).toBeUndefined();
    expect(plan.virtualService.after.metadata.resourceVersion).toBe('42');
    expect(plan.virtualService.after.spec).toEqual({
      hosts: ['reviews'],
      http: [
        {
          match: [{ headers: { 'end-user': { exact: 'jason' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v2' } }],
        },
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
            { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
          ],
          timeout: '2s',
          retries: { attempts: 3 },
        },
      ],
    });
    // The input is not mutated.
    expect((jasonVs.spec?.http as unknown[]).length).toBe(2);
    expect(JSON.stringify(jasonVs)).not.toContain('"weight"');
  });

  it('edits a catch-all written as uri prefix / instead of appending an unreachable route', () => {
    const vs = typedIstio('VirtualService', {
      ...jasonVs,
      spec: {
        hosts: ['reviews.bookinfo.svc.cluster.local'],
        http: [
          {
            match: [{ uri: { prefix: '/' } }],
            route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' } }],
          },
        ],
      },
    });
    const plan = planTrafficShift({
      service: reviews,
      weights: { v1: 90, v3: 10 },
      virtualService: vs,
      destinationRule: dr,
      subsets: availableSubsets(dr, workloads),
    });
    expect(plan.virtualService.after.spec?.http).toEqual([
      {
        match: [{ uri: { prefix: '/' } }],
        route: [
          { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, weight: 90 },
          { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v3' }, weight: 10 },
        ],
      },
    ]);
  });

  it('appends a catch-all route after match-only routes', () => {
    const vs = typedIstio('VirtualService', {
      ...jasonVs,
      spec: { hosts: ['reviews'], http: [(jasonVs.spec?.http as unknown[])[0]] },
    });
    const plan = planTrafficShift({
      service: reviews,
      weights: { v1: 100 },
      virtualService: vs,
      destinationRule: dr,
      subsets: availableSubsets(dr, workloads),
    });
    const http = plan.virtualService.after.spec?.http as Record<string, unknown>[];
    expect(http).toHaveLength(2);
    expect(http[1]).toEqual({ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] });
  });

  it('creates a VirtualService and a DestinationRule with subsets from the version labels when none exist', () => {
    const subsets = availableSubsets(undefined, workloads);
    expect(subsets).toEqual({
      derived: true,
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v3', labels: { version: 'v3' } },
      ],
    });
    const plan = planTrafficShift({
      service: reviews,
      weights: { v1: 90, v2: 10 },
      virtualService: undefined,
      destinationRule: undefined,
      subsets,
    });
    expect(plan.virtualService.before).toBeNull();
    expect(plan.virtualService.after).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        hosts: ['reviews'],
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
              { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
            ],
          },
        ],
      },
    });
    expect(plan.destinationRule?.before).toBeNull();
    expect(plan.destinationRule?.after.spec).toEqual({ host: 'reviews', subsets: subsets.subsets });
  });

  it('adds subsets to a DestinationRule that has none, keeping its traffic policy', () => {
    const bare = typedIstio('DestinationRule', {
      ...dr,
      spec: { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } },
    });
    const plan = planTrafficShift({
      service: reviews,
      weights: { v1: 100 },
      virtualService: undefined,
      destinationRule: bare,
      subsets: availableSubsets(bare, workloads.slice(0, 1)),
    });
    expect(plan.destinationRule?.after.spec).toEqual({
      host: 'reviews',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    });
  });
});

describe('picking the objects', () => {
  it('takes the workloads the selector picks and skips gateway-only VirtualServices', () => {
    const other = { ...workload('v1'), name: 'ratings-v1', labels: { app: 'ratings', version: 'v1' } };
    expect(workloadsBehind(reviews, [...workloads, other]).map((w) => w.name)).toEqual([
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    const gw = typedIstio('VirtualService', {
      ...jasonVs,
      metadata: { name: 'gw', namespace: 'bookinfo' },
      spec: { gateways: ['bookinfo-gateway'] },
    });
    expect(pickVirtualService([gw, jasonVs], reviews)?.metadata.name).toBe('reviews');
  });
});
