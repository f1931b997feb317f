import { describe, expect, it } from 'vitest';
import { chooseReports, selectReports } from './telemetry';
import { both, PP, R1, report } from './graph/__fixtures__/bookinfo';

const REVIEWS: [string, string] = ['reviews', 'bookinfo'];

describe('reporter rules', () => {
  it('keeps the caller’s report for a caller with a sidecar, and nothing twice', () => {
    const samples = [
      ...both({ from: PP, svc: REVIEWS, to: R1, rps: 8 }),
      report('source', {
        from: PP,
        svc: REVIEWS,
        to: ['unknown', 'unknown'],
        rps: 1,
        code: '503',
        flags: 'FI',
      }),
    ];
    const chosen = chooseReports(samples);
    expect(chosen.map((s) => [s.reporter, s.responseFlags, s.rps])).toEqual([
      ['source', '-', 8],
      ['source', 'FI', 1],
    ]);
  });

  it('keeps the destination’s report for callers without a sidecar', () => {
    const curl = report('destination', {
      from: ['curl', 'curl'],
      svc: ['productpage', 'bookinfo'],
      to: PP,
      rps: 2,
    });
    const unknown = report('destination', {
      from: ['unknown', 'unknown'],
      svc: ['productpage', 'bookinfo'],
      to: PP,
      rps: 1,
    });
    expect(chooseReports([curl, unknown])).toEqual([curl, unknown]);
  });

  it('keeps every destination report apart for mTLS and the destination’s view', () => {
    const t = { requests: both({ from: PP, svc: REVIEWS, to: R1, rps: 8 }), latencies: [], tcp: [] };
    const selected = selectReports(t);
    expect(selected.requests.map((s) => s.reporter)).toEqual(['source']);
    expect(selected.destinationRequests.map((s) => s.securityPolicy)).toEqual(['mutual_tls']);
  });

  it('decides per caller → service pair: another caller of the same service is not affected', () => {
    const samples = [
      ...both({ from: PP, svc: REVIEWS, to: R1, rps: 8 }),
      report('destination', { from: ['curl', 'curl'], svc: REVIEWS, to: R1, rps: 3 }),
    ];
    expect(chooseReports(samples).map((s) => `${s.reporter}:${s.source.workload}`)).toEqual([
      'source:productpage-v1',
      'destination:curl',
    ]);
  });
});
