import { describe, expect, it } from 'vitest';
import { typedIstio } from '../validations/testInventory';
import type { ServiceInfo } from '../types';
import { planRoutePolicy } from './routePolicy';

const ratings: ServiceInfo = {
  name: 'ratings',
  namespace: 'bookinfo',
  labels: {},
  selector: { app: 'ratings' },
  ports: [],
};
const vs = typedIstio('VirtualService', {
  kind: 'VirtualService',
  metadata: { name: 'ratings', namespace: 'bookinfo', resourceVersion: '7' },
  spec: {
    hosts: ['ratings'],
    http: [
      { match: [{ uri: { prefix: '/admin' } }], route: [{ destination: { host: 'ratings', subset: 'v2' } }] },
      {
        route: [
          { destination: { host: 'ratings', subset: 'v1' }, weight: 90 },
          { destination: { host: 'ratings', subset: 'v2' }, weight: 10 },
        ],
        retries: { attempts: 2 },
      },
    ],
  },
});

describe('planRoutePolicy', () => {
  it('sets timeout and fault on the catch-all route, removes what the policy leaves out', () => {
    const { before, after } = planRoutePolicy({
      service: ratings,
      virtualService: vs,
      policy: { timeout: '3s', fault: { abort: { percent: 25, httpStatus: 503 } } },
    });
    expect(before).toBe(vs);
    const http = after.spec?.http as Record<string, unknown>[];
    expect(http[0]).toEqual((vs.spec?.http as unknown[])[0]);
    expect(http[1]).toEqual({
      route: [
        { destination: { host: 'ratings', subset: 'v1' }, weight: 90 },
        { destination: { host: 'ratings', subset: 'v2' }, weight: 10 },
      ],
      timeout: '3s',
      fault: { abort: { percentage: { value: 25 }, httpStatus: 503 } },
    });
    expect(after.metadata.resourceVersion).toBe('7');
  });

  it('creates a VirtualService routing to the whole service when there is none', () => {
    const { before, after } = planRoutePolicy({
      service: ratings,
      virtualService: undefined,
      policy: { timeout: '1s' },
    });
    expect(before).toBeNull();
    expect(after.spec).toEqual({
      hosts: ['ratings'],
      http: [{ route: [{ destination: { host: 'ratings' } }], timeout: '1s' }],
    });
  });
});
