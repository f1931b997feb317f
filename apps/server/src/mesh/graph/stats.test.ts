import { describe, expect, it } from 'vitest';
import { report } from './__fixtures__/bookinfo';
import { addBuckets, addDestinationRequest, addRequest, emptyStats, errorRps, mergeStats } from './stats';

const r = (code: string, flags = '-', extra: { protocol?: 'http' | 'grpc'; grpc?: string } = {}) =>
  report('source', { from: ['a', 'ns'], svc: ['b', 'ns'], to: ['b', 'ns'], rps: 1, code, flags, ...extra });

describe('edge stats', () => {
  it('counts 5xx, no response, failure flags and gRPC errors as server errors, 4xx apart', () => {
    const s = emptyStats();
    for (const x of [r('200'), r('503', 'FI'), r('0', 'UF'), r('200', 'DC'), r('404'), r('200', 'DI')])
      addRequest(s, x);
    addRequest(s, r('200', '-', { protocol: 'grpc', grpc: '14' }));
    addRequest(s, r('200', '-', { protocol: 'grpc', grpc: '5' }));
    expect(s.rps).toBe(8);
    expect(s.serverErrorRps).toBe(4); // 503 FI, 0 UF, 200 DC, gRPC UNAVAILABLE
    expect(s.clientErrorRps).toBe(2); // 404, gRPC NOT_FOUND
    expect(errorRps(s)).toBe(6);
    expect(s.byGrpcStatus).toEqual({ '14': 1, '5': 1 });
    expect(s.fromSource).toBe(true);
  });

  it('keeps the destination’s view and its mTLS apart', () => {
    const s = emptyStats();
    addDestinationRequest(
      s,
      report('destination', { from: ['a', 'ns'], svc: ['b', 'ns'], to: ['b', 'ns'], rps: 3 }),
    );
    addDestinationRequest(
      s,
      report('destination', { from: ['a', 'ns'], svc: ['b', 'ns'], to: ['b', 'ns'], rps: 1, mtls: false }),
    );
    expect(s.destination).toMatchObject({ rps: 4, mtlsRps: 3, errorRps: 0 });
    expect(s.rps).toBe(0);
  });

  it('merges everything, buckets included', () => {
    const a = emptyStats();
    const b = emptyStats();
    addRequest(a, r('200'));
    addRequest(b, r('503'));
    addBuckets(a, [{ le: 10, count: 1 }], 0.5);
    addBuckets(b, [{ le: 10, count: 2 }]);
    mergeStats(a, b);
    expect(a).toMatchObject({ rps: 2, serverErrorRps: 1, byCode: { '200': 1, '503': 1 } });
    expect(a.buckets.get(10)).toBe(2.5);
  });
});
