import { describe, expect, it } from 'vitest';
import { configuredWeights } from './virtualService';

describe('configuredWeights', () => {
  it('reads the catch-all route, skipping match rules and other hosts', () => {
    const vs = {
      spec: {
        http: [
          { match: [{ headers: {} }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
          {
            route: [
              { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, weight: 80 },
              { destination: { host: 'reviews', subset: 'v3' }, weight: 20 },
            ],
          },
        ],
      },
    };
    expect(configuredWeights(vs, 'reviews', 'bookinfo')).toEqual({ v1: 80, v3: 20 });
    expect(configuredWeights(vs, 'ratings', 'bookinfo')).toBeUndefined();
  });
  it('counts a lone destination as 100', () => {
    const vs = { spec: { http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] } };
    expect(configuredWeights(vs, 'reviews', 'bookinfo')).toEqual({ v3: 100 });
    expect(configuredWeights(null, 'reviews', 'bookinfo')).toBeUndefined();
  });
});
