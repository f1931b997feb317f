import { describe, expect, it } from 'vitest';
import { fromIstioRoute, toIstioRoute, validateRoutePolicy } from './routePolicy';

describe('validateRoutePolicy', () => {
  it('accepts a complete policy', () => {
    expect(
      validateRoutePolicy({
        timeout: '2s',
        retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx,reset' },
        fault: { delay: { percent: 10, fixedDelay: '1.5s' }, abort: { percent: 0.5, httpStatus: 503 } },
      }),
    ).toEqual([]);
    expect(validateRoutePolicy({})).toEqual([]);
  });
  it('names each field at fault', () => {
    expect(
      validateRoutePolicy({
        timeout: '2 seconds',
        retries: { attempts: 1.5, perTryTimeout: '0s', retryOn: '5xx, reset' },
        fault: { delay: { percent: 120, fixedDelay: '1s' }, abort: { percent: 5, httpStatus: 700 } },
      }).map((i) => i.field),
    ).toEqual([
      'timeout',
      'retries.attempts',
      'retries.perTryTimeout',
      'retries.retryOn',
      'fault.delay.percent',
      'fault.abort.httpStatus',
    ]);
    expect(validateRoutePolicy({ timeout: 'x' })[0]?.message).toBe(
      'timeout: a positive duration such as 2s or 500ms (at least 1ms), got "x".',
    );
  });
});

describe('Istio route fields', () => {
  it('round-trips through the VirtualService shape', () => {
    const policy = {
      timeout: '2s',
      retries: { attempts: 3, perTryTimeout: '500ms' },
      fault: { abort: { percent: 50, httpStatus: 503 } },
    };
    const route = toIstioRoute(policy);
    expect(route).toEqual({
      timeout: '2s',
      retries: { attempts: 3, perTryTimeout: '500ms' },
      fault: { abort: { percentage: { value: 50 }, httpStatus: 503 } },
    });
    expect(fromIstioRoute(route)).toEqual({
      timeout: '2s',
      retries: { attempts: 3, perTryTimeout: '500ms', retryOn: undefined },
      fault: { abort: { percent: 50, httpStatus: 503 } },
    });
  });
  it('maps an empty policy to removals', () => {
    expect(toIstioRoute({})).toEqual({ timeout: undefined, retries: undefined, fault: undefined });
  });
});
