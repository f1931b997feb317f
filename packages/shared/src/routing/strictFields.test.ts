import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { DestinationPolicyRequest, validateDestinationPolicy } from './destinationPolicy';
import { PeerAuthenticationRequest } from './peerAuthentication';
import { RequestRoutingRequest, validateRequestRouting } from './requestRouting';
import { RoutePolicyRequest, validateRoutePolicy } from './routePolicy';
import { TrafficShiftRequest } from './schemas';
import { closestField, INT32_MAX, UINT32_MAX } from './strictFields';

const messages = (f: () => unknown): string[] => {
  try {
    f();
  } catch (err) {
    if (err instanceof ZodError) return err.issues.map((i) => i.message);
    throw err;
  }
  return [];
};

describe('closestField', () => {
  it('suggests the field a typo meant, and nothing for unrelated names', () => {
    expect(closestField('timeOut', ['timeout', 'retries', 'fault'])).toBe('timeout');
    expect(closestField('tls', ['tlsMode', 'loadBalancer', 'connectionPool', 'outlierDetection'])).toBe(
      'tlsMode',
    );
    expect(closestField('retry', ['timeout', 'retries', 'fault'])).toBe('retries');
    expect(closestField('maxConnection', ['maxConnections'])).toBe('maxConnections');
    expect(closestField('__proto__', ['timeout', 'retries', 'fault'])).toBeUndefined();
    expect(closestField('x'.repeat(10_000), ['timeout'])).toBeUndefined();
  });
});

describe('strict write schemas', () => {
  it('names an unknown route-policy field with a suggestion instead of dropping the timeout', () => {
    expect(messages(() => RoutePolicyRequest.parse({ policy: { timeOut: '5s' } }))).toEqual([
      'policy.timeOut: unknown field; did you mean timeout?',
    ]);
    expect(
      messages(() => RoutePolicyRequest.parse({ policy: { retries: { attempts: 3, retryon: '5xx' } } })),
    ).toEqual(['policy.retries.retryon: unknown field; did you mean retryOn?']);
  });

  it('names unknown destination-policy fields instead of deleting the trafficPolicy', () => {
    expect(messages(() => DestinationPolicyRequest.parse({ policy: { tls: 'DISABLE' } }))).toEqual([
      'policy.tls: unknown field; did you mean tlsMode?',
    ]);
    expect(messages(() => DestinationPolicyRequest.parse({ policy: {}, extra: 1, constructor: 2 }))).toEqual([
      'extra: unknown field; constructor: unknown field',
    ]);
  });

  it('refuses unknown keys in every write body, nested rules included', () => {
    expect(messages(() => TrafficShiftRequest.parse({ weights: { v1: 100 }, resourceVersoin: '1' }))).toEqual(
      ['resourceVersoin: unknown field; did you mean resourceVersion?'],
    );
    expect(
      messages(() =>
        RequestRoutingRequest.parse({
          rules: [{ match: { uri: { prefix: '/' } }, route: { subset: 'v1' }, weight: 1 }],
        }),
      ),
    ).toEqual(['rules[0].weight: unknown field']);
    expect(
      messages(() => RequestRoutingRequest.parse({ rules: [{ route: { subset: 'v1', weights: {} } }] })),
    ).toEqual(['either { subset: <name> } or { weights: { <subset>: <0..100>, … } }, and nothing else']);
    expect(
      messages(() => PeerAuthenticationRequest.parse({ mode: 'STRICT', workload: { label: {} } })),
    ).toEqual([
      'Invalid input: expected record, received undefined',
      'workload.label: unknown field; did you mean labels?',
    ]);
  });

  it('bounds counts by the Istio field type: int32, and uint32 for consecutive5xxErrors', () => {
    const fields = (policy: unknown) =>
      validateDestinationPolicy(DestinationPolicyRequest.parse({ policy }).policy).map((i) => i.field);
    expect(fields({ connectionPool: { maxConnections: 1e20 } })).toEqual(['connectionPool.maxConnections']);
    expect(fields({ connectionPool: { maxConnections: INT32_MAX } })).toEqual([]);
    expect(fields({ connectionPool: { http1MaxPendingRequests: INT32_MAX + 1 } })).toEqual([
      'connectionPool.http1MaxPendingRequests',
    ]);
    expect(fields({ outlierDetection: { consecutive5xxErrors: UINT32_MAX } })).toEqual([]);
    expect(fields({ outlierDetection: { consecutive5xxErrors: UINT32_MAX + 1 } })).toEqual([
      'outlierDetection.consecutive5xxErrors',
    ]);
    expect(
      messages(() =>
        DestinationPolicyRequest.parse({ policy: { connectionPool: { maxConnections: Infinity } } }),
      ),
    ).toHaveLength(1);
  });

  it('validates durations: at least 1ms, at most protobuf’s 10,000 years', () => {
    const fields = (timeout: string) => validateRoutePolicy({ timeout }).map((i) => i.message);
    expect(fields('1ms')).toEqual([]);
    expect(fields('1.5s')).toEqual([]);
    expect(fields('0.5ms')[0]).toContain('at least 1ms');
    expect(fields('0s')[0]).toContain('a positive duration');
    expect(fields('99999999999999h')[0]).toBe(
      'timeout: at most 315576000000s (10,000 years), got "99999999999999h".',
    );
    expect(fields('NaNs')[0]).toContain('a positive duration');
    expect(fields('1e3s')[0]).toContain('a positive duration');
  });

  it('keeps per-route weights within 0..100', () => {
    const rules = RequestRoutingRequest.parse({
      rules: [{ match: { uri: { prefix: '/a' } }, route: { weights: { v1: -50, v2: 150 } } }],
    }).rules;
    expect(validateRequestRouting(rules).map((i) => i.field)).toEqual([
      'rules[0].route.weights.v1',
      'rules[0].route.weights.v2',
    ]);
  });
});
