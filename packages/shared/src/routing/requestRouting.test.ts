import { describe, expect, it } from 'vitest';
import {
  fromIstioHttpRoute,
  RequestRoutingRequest,
  toIstioHttpRoutes,
  validateRequestRouting,
} from './requestRouting';
import type { RequestRule } from './requestRouting';

const subsets = ['v1', 'v2', 'v3'];
const jason: RequestRule = {
  match: { headers: { 'end-user': { exact: 'jason' } } },
  route: { subset: 'v2' },
};

describe('validateRequestRouting', () => {
  it('accepts ordered rules with headers, URI, method and weighted sets', () => {
    expect(
      validateRequestRouting(
        [
          jason,
          {
            match: { uri: { prefix: '/api' }, method: { regex: '^(GET|HEAD)$' } },
            route: { weights: { v1: 20, v3: 80 } },
          },
        ],
        subsets,
      ),
    ).toEqual([]);
    expect(validateRequestRouting([], subsets)).toEqual([]);
  });

  it('names each field at fault', () => {
    const issues = validateRequestRouting(
      [
        { match: { uri: { regex: '(' } }, route: { subset: 'v9' } },
        { match: { headers: { 'end-user': { exact: '' } } }, route: { weights: { v1: 50, v2: 40 } } },
        { route: { subset: 'v1' } },
        { match: { headers: { 'bad name': { prefix: 'x' } } }, route: { weights: { v1: 50.5, v2: 49.5 } } },
      ],
      subsets,
    );
    expect(issues.map((i) => i.field)).toEqual([
      'rules[0].match.uri.regex',
      'rules[0].route.subset',
      'rules[1].match.headers.end-user.exact',
      'rules[1].route.weights',
      'rules[2].match',
      'rules[3].match.headers.bad name',
      'rules[3].route.weights.v1',
      'rules[3].route.weights.v2',
    ]);
    expect(issues[0]?.message).toMatch(/^rules\[0\]\.match\.uri\.regex: not a valid regular expression/);
    expect(issues[1]?.message).toBe('rules[0].route.subset: no subset "v9"; the service has v1, v2, v3.');
    expect(issues[2]?.message).toBe('rules[1].match.headers.end-user.exact: must not be empty.');
    expect(issues[3]?.message).toBe('rules[1].route.weights: must add up to 100, they add up to 90.');
  });

  it('skips the subset check when the subsets are unknown', () => {
    expect(validateRequestRouting([{ ...jason, route: { subset: 'v9' } }])).toEqual([]);
  });
});

describe('RequestRoutingRequest', () => {
  it('refuses a match with two kinds or an unknown key', () => {
    expect(
      RequestRoutingRequest.safeParse({
        rules: [{ match: { uri: { exact: '/', prefix: '/' } }, route: { subset: 'v1' } }],
      }).success,
    ).toBe(false);
    expect(RequestRoutingRequest.safeParse({ rules: [{ route: { subset: 'v1', weight: 3 } }] }).success).toBe(
      false,
    );
    expect(RequestRoutingRequest.safeParse({ rules: [jason], resourceVersion: '7' }).success).toBe(true);
  });
});

describe('Istio HTTP routes', () => {
  it('round-trips rules through the VirtualService form', () => {
    const rules: RequestRule[] = [
      jason,
      {
        match: { uri: { prefix: '/api' }, method: { exact: 'GET' } },
        route: { weights: { v1: 20, v3: 80 } },
      },
    ];
    const http = toIstioHttpRoutes(rules, 'reviews');
    expect(http[0]).toEqual({
      match: [{ headers: { 'end-user': { exact: 'jason' } } }],
      route: [{ destination: { host: 'reviews', subset: 'v2' } }],
    });
    expect(http.map(fromIstioHttpRoute)).toEqual(rules);
  });
  it('leaves routes the form cannot show', () => {
    expect(
      fromIstioHttpRoute({ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }),
    ).toBeUndefined();
    expect(fromIstioHttpRoute({ match: [{}, {}], route: [] })).toBeUndefined();
    expect(
      fromIstioHttpRoute({ match: [{ uri: { exact: '/' } }], route: [{ destination: { host: 'x' } }] }),
    ).toBeUndefined();
  });
});
