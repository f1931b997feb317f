import { describe, expect, it } from 'vitest';
import { destinationPolicyFromFields, fieldsFromDestinationPolicy } from './destinationPolicyModel';

describe('destination policy fields', () => {
  const empty = fieldsFromDestinationPolicy({});
  it('leaves out what is not set', () => {
    expect(destinationPolicyFromFields(empty)).toEqual({});
    expect(destinationPolicyFromFields({ ...empty, interval: '10s', tlsMode: 'BOGUS' })).toEqual({});
  });
  it('round-trips a policy', () => {
    const p = {
      tlsMode: 'ISTIO_MUTUAL' as const,
      loadBalancer: 'RANDOM' as const,
      connectionPool: { maxConnections: 10 },
      outlierDetection: { consecutive5xxErrors: 3, interval: '5s', maxEjectionPercent: 50 },
    };
    expect(destinationPolicyFromFields(fieldsFromDestinationPolicy(p))).toEqual(p);
  });
});
