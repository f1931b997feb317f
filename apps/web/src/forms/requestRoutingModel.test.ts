import { describe, expect, it } from 'vitest';
import { validateRequestRouting } from '@sextant/shared';
import {
  emptyRule,
  moveRow,
  parseWeights,
  rowFromRule,
  ruleFromRow,
  rulesFromVirtualService,
} from './requestRoutingModel';

describe('request-routing form model', () => {
  it('turns a typed row into the rule sent, and back', () => {
    const row = {
      ...emptyRule('v2'),
      headers: [{ name: 'end-user', kind: 'exact' as const, value: 'jason' }],
    };
    const rule = ruleFromRow(row);
    expect(rule).toEqual({ match: { headers: { 'end-user': { exact: 'jason' } } }, route: { subset: 'v2' } });
    expect(rowFromRule(rule)).toEqual(row);
    const weighted = ruleFromRow({
      ...emptyRule(),
      headers: [],
      uri: { kind: 'prefix', value: '/api' },
      mode: 'weights',
      weights: 'v1=50, v3 = 50',
    });
    expect(weighted).toEqual({ match: { uri: { prefix: '/api' } }, route: { weights: { v1: 50, v3: 50 } } });
  });

  it('lets the shared validation name what is wrong in the row', () => {
    const rules = [
      ruleFromRow(emptyRule('v2')),
      ruleFromRow({ ...emptyRule(), headers: [], mode: 'weights', weights: 'v1=fifty' }),
    ];
    expect(validateRequestRouting(rules, ['v1', 'v2']).map((i) => i.field)).toEqual([
      'rules[0].match.headers.end-user.exact',
      'rules[1].match',
      'rules[1].route.weights.v1',
    ]);
    expect(parseWeights('v1')).toEqual({ v1: Number.NaN });
  });

  it('reads the service match routes of a VirtualService, counting those it cannot show', () => {
    const vs = {
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        http: [
          {
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [{ destination: { host: 'reviews', subset: 'v2' } }],
          },
          {
            match: [{ uri: { exact: '/a' } }, { uri: { exact: '/b' } }],
            route: [{ destination: { host: 'reviews', subset: 'v1' } }],
          },
          { match: [{ uri: { exact: '/x' } }], route: [{ destination: { host: 'other' } }] },
          { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
        ],
      },
    };
    expect(rulesFromVirtualService(vs, 'reviews', 'bookinfo')).toEqual({
      rules: [{ match: { headers: { 'end-user': { exact: 'jason' } } }, route: { subset: 'v2' } }],
      unreadable: 1,
    });
  });

  it('counts a rule after the default route as one it cannot show: it never matches', () => {
    const late = {
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      route: [{ destination: { host: 'reviews', subset: 'v2' } }],
    };
    const vs = {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        hosts: ['reviews'],
        http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }, late],
      },
    };
    expect(rulesFromVirtualService(vs, 'reviews', 'bookinfo')).toEqual({ rules: [], unreadable: 1 });
  });

  it('moves rules up and down within bounds', () => {
    expect(moveRow(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveRow(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRow(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });
});
