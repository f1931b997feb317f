import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { connectionPoolLimits, LoadTracker, overflowProbability } from './circuitBreaker';
import { buildSnapshot } from './mesh';
import { bookinfoCluster } from './test-cluster';

describe('overflowProbability', () => {
  it('is the M/M/c/c+q blocking probability', () => {
    // One connection, one pending place, one Erlang offered: a / (1 + a + a²) · a = 1/3.
    expect(overflowProbability(1, { concurrent: 1, pending: 1 })).toBeCloseTo(1 / 3, 10);
    // Erlang B for c = 2, a = 1: (1/2) / (1 + 1 + 1/2) = 0.2.
    expect(overflowProbability(1, { concurrent: 2, pending: 0 })).toBeCloseTo(0.2, 10);
    expect(overflowProbability(0, { concurrent: 1, pending: 0 })).toBe(0);
    expect(overflowProbability(0.01, { concurrent: 100, pending: 100 })).toBe(0);
    // Heavily overloaded: almost everything overflows.
    expect(overflowProbability(50, { concurrent: 1, pending: 1 })).toBeGreaterThan(0.95);
  });
});

describe('connectionPoolLimits', () => {
  const dr = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews' },
    spec: { host: 'reviews', ...spec },
  });

  it('reads maxConnections and http1MaxPendingRequests; a subset policy replaces the top-level pool', () => {
    const cluster = bookinfoCluster();
    cluster.apply(
      [
        dr({
          trafficPolicy: {
            connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } },
          },
          subsets: [
            { name: 'v1', labels: { version: 'v1' } },
            {
              name: 'v2',
              labels: { version: 'v2' },
              trafficPolicy: { connectionPool: { http: { http2MaxRequests: 7 } } },
            },
          ],
        }),
      ],
      'bookinfo',
    );
    const snapshot = buildSnapshot(cluster);
    const reviews = snapshot.services.get('bookinfo/reviews');
    if (!reviews) throw new Error('no reviews service');
    expect(connectionPoolLimits(snapshot, reviews, 'bookinfo', 'v1', 9080, 'http')).toEqual({
      concurrent: 1,
      pending: 1,
    });
    expect(connectionPoolLimits(snapshot, reviews, 'bookinfo', 'v2', 9080, 'grpc')).toEqual({
      concurrent: 7,
      pending: 0,
    });
    // The bookinfo DestinationRules set no connectionPool: no circuit breaker.
    const ratings = snapshot.services.get('bookinfo/ratings');
    if (!ratings) throw new Error('no ratings service');
    expect(connectionPoolLimits(snapshot, ratings, 'bookinfo', 'v1', 9080, 'http')).toBeUndefined();
  });
});

describe('LoadTracker', () => {
  it("offers rate × holding time (Little's law)", () => {
    const tracker = new LoadTracker();
    tracker.arrive('k', 10);
    tracker.hold('k', 200);
    tracker.endTick(0.5);
    // 20 requests per second holding 0.2 s each: 4 busy on average.
    expect(tracker.offered('k')).toBeCloseTo(4, 10);
    expect(tracker.offered('other')).toBe(0);
  });
});
