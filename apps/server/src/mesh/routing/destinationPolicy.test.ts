import { describe, expect, it } from 'vitest';
import { typedIstio } from '../validations/testInventory';
import type { ServiceInfo } from '../types';
import { planDestinationPolicy } from './destinationPolicy';

const reviews: ServiceInfo = { name: 'reviews', namespace: 'bookinfo', labels: {}, ports: [] };
const dr = typedIstio('DestinationRule', {
  kind: 'DestinationRule',
  metadata: { name: 'reviews', namespace: 'bookinfo', resourceVersion: '3' },
  spec: {
    host: 'reviews',
    trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, portLevelSettings: [{ port: { number: 9080 } }] },
    subsets: [{ name: 'v1', labels: { version: 'v1' } }],
  },
});

describe('planDestinationPolicy', () => {
  it('sets the policy, removes what it leaves out, keeps subsets and port settings', () => {
    const { before, after } = planDestinationPolicy({
      service: reviews,
      destinationRule: dr,
      policy: { outlierDetection: { consecutive5xxErrors: 3 } },
    });
    expect(before).toBe(dr);
    expect(after.metadata.resourceVersion).toBe('3');
    expect(after.spec).toEqual({
      host: 'reviews',
      trafficPolicy: {
        portLevelSettings: [{ port: { number: 9080 } }],
        outlierDetection: { consecutive5xxErrors: 3 },
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    });
  });
  it('creates a DestinationRule for the service when there is none', () => {
    const { after } = planDestinationPolicy({
      service: reviews,
      destinationRule: undefined,
      policy: { loadBalancer: 'RANDOM' },
    });
    expect(after.spec).toEqual({ host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } } });
  });
});
