import { describe, expect, it } from 'vitest';
import { typedIstio } from '../validations/testInventory';
import type { ServiceInfo } from '../types';
import { planRequestRouting } from './requestRouting';

const reviews: ServiceInfo = {
  name: 'reviews',
  namespace: 'bookinfo',
  labels: {},
  selector: { app: 'reviews' },
  ports: [],
};
const defaultRoute = {
  route: [
    { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
    { destination: { host: 'reviews', subset: 'v2' }, weight: 20 },
  ],
  timeout: '2s',
};
const elsewhere = {
  match: [{ uri: { prefix: '/legacy' } }],
  route: [{ destination: { host: 'legacy-reviews' } }],
};
const vs = typedIstio('VirtualService', {
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'bookinfo', resourceVersion: '7' },
  spec: {
    hosts: ['reviews'],
    http: [
      {
        match: [{ headers: { 'end-user': { exact: 'bob' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v3' } }],
      },
      defaultRoute,
      elsewhere,
    ],
  },
});

describe('planRequestRouting', () => {
  it('replaces the match routes of the service, keeps other routes and the default last', () => {
    const { before, after } = planRequestRouting({
      service: reviews,
      virtualService: vs,
      rules: [
        { match: { headers: { 'end-user': { exact: 'jason' } } }, route: { subset: 'v2' } },
        { match: { uri: { prefix: '/api' } }, route: { weights: { v1: 50, v3: 50 } } },
      ],
    });
    expect(before).toBe(vs);
    expect(after.spec?.http).toEqual([
      elsewhere,
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
      {
        match: [{ uri: { prefix: '/api' } }],
        route: [
          { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
          { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
        ],
      },
      defaultRoute,
    ]);
    expect(after.metadata).toEqual(vs.metadata);
    expect((vs.spec?.http as unknown[]).length).toBe(3);
  });

  it('no rules leaves only the default; no VirtualService creates one with a default route', () => {
    expect(planRequestRouting({ service: reviews, virtualService: vs, rules: [] }).after.spec?.http).toEqual([
      elsewhere,
      defaultRoute,
    ]);
    const { before, after } = planRequestRouting({
      service: reviews,
      virtualService: undefined,
      rules: [{ match: { method: { exact: 'POST' } }, route: { subset: 'v1' } }],
    });
    expect(before).toBeNull();
    expect(after.metadata).toEqual({ name: 'reviews', namespace: 'bookinfo' });
    expect(after.spec).toEqual({
      hosts: ['reviews'],
      http: [
        {
          match: [{ method: { exact: 'POST' } }],
          route: [{ destination: { host: 'reviews', subset: 'v1' } }],
        },
        { route: [{ destination: { host: 'reviews' } }] },
      ],
    });
  });
});
