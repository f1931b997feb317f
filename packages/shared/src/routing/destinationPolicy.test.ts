import { describe, expect, it } from 'vitest';
import { fromTrafficPolicy, toTrafficPolicy, validateDestinationPolicy } from './destinationPolicy';

describe('destination policy', () => {
  const policy = {
    tlsMode: 'ISTIO_MUTUAL' as const,
    loadBalancer: 'LEAST_REQUEST' as const,
    connectionPool: { maxConnections: 100, http1MaxPendingRequests: 10 },
    outlierDetection: {
      consecutive5xxErrors: 5,
      interval: '10s',
      baseEjectionTime: '30s',
      maxEjectionPercent: 50,
    },
  };
  it('maps to the DestinationRule trafficPolicy and back', () => {
    const tp = toTrafficPolicy(policy);
    expect(tp).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      loadBalancer: { simple: 'LEAST_REQUEST' },
      connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 10 } },
      outlierDetection: {
        consecutive5xxErrors: 5,
        interval: '10s',
        baseEjectionTime: '30s',
        maxEjectionPercent: 50,
      },
    });
    expect(fromTrafficPolicy(tp)).toEqual(policy);
    expect(toTrafficPolicy({})).toEqual({
      tls: undefined,
      loadBalancer: undefined,
      connectionPool: undefined,
      outlierDetection: undefined,
    });
  });
  it('names the fields at fault', () => {
    expect(validateDestinationPolicy(policy)).toEqual([]);
    expect(
      validateDestinationPolicy({
        connectionPool: { maxConnections: 0 },
        outlierDetection: { consecutive5xxErrors: 2.5, interval: 'often', maxEjectionPercent: 101 },
      }).map((i) => i.field),
    ).toEqual([
      'connectionPool.maxConnections',
      'outlierDetection.consecutive5xxErrors',
      'outlierDetection.interval',
      'outlierDetection.maxEjectionPercent',
    ]);
  });
});
