import { describe, expect, it } from 'vitest';
import { buildFlows } from './flows';
import { indexConfig } from './model';
import { selectTraffic } from './traffic';
import { at, bookinfoConfig, both, latency, PP, R1, report } from './__fixtures__/bookinfo';

const REVIEWS: [string, string] = ['reviews', 'bookinfo'];

describe('flows', () => {
  it('one flow per caller, service, callee and protocol; latency joined by workloads', () => {
    const t = {
      requests: [
        ...both({ from: PP, svc: REVIEWS, to: R1, rps: 3 }),
        ...both({ from: PP, svc: REVIEWS, to: R1, rps: 1, code: '500' }),
        report('source', {
          from: PP,
          svc: REVIEWS,
          to: ['unknown', 'unknown'],
          rps: 1,
          code: '503',
          flags: 'FI',
        }),
      ],
      latencies: [latency('source', { from: PP, svc: REVIEWS, to: R1 }, at(50, 4))],
      tcp: [],
    };
    const flows = buildFlows(selectTraffic(t, ['bookinfo']), indexConfig(bookinfoConfig()), 'versionedApp');
    expect(flows.map((f) => f.key)).toEqual([
      'app:bookinfo:productpage:v1|svc:bookinfo:reviews|app:bookinfo:reviews:v1|http',
      'app:bookinfo:productpage:v1|svc:bookinfo:reviews|unknown-dest:bookinfo|http',
    ]);
    const [toV1, aborted] = flows;
    expect(toV1?.stats).toMatchObject({ rps: 4, serverErrorRps: 1 });
    expect(toV1?.stats.destination.rps).toBe(4);
    expect(toV1?.stats.buckets.get(Infinity)).toBe(4);
    expect(aborted?.stats).toMatchObject({ rps: 1, byFlag: { FI: 1 } });
    expect(aborted?.stats.destination.rps).toBe(0);
  });
});
