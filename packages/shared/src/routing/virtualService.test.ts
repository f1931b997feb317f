import { describe, expect, it } from 'vitest';
import { HttpRoute, VirtualService } from '../istio/virtualService';
import {
  catchAllRoute,
  configuredWeights,
  defaultHttpRoute,
  matchesEveryRequest,
  serviceMatchRoutes,
} from './virtualService';

const reviews = { name: 'reviews', namespace: 'bookinfo' };
const jasonRule = {
  match: [{ headers: { 'end-user': { exact: 'jason' } } }],
  route: [{ destination: { host: 'reviews', subset: 'v2' } }],
};
/** A VirtualService in namespace bookinfo unless `metadata` says otherwise, typed by its schema. */
const typed = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
  VirtualService.parse({
    kind: 'VirtualService',
    metadata: { name: 'vs', namespace: 'bookinfo', ...metadata },
    spec,
  });
const vsOf = (http: unknown[], extra: Record<string, unknown> = {}) =>
  typed({ hosts: ['reviews'], http, ...extra });

describe('defaultHttpRoute', () => {
  it('finds no default route in a VirtualService whose only rule is end-user=jason → v2', () => {
    const vs = vsOf([jasonRule]);
    expect(defaultHttpRoute(vs, reviews)).toBeUndefined();
    expect(configuredWeights(vs, 'reviews', 'bookinfo')).toBeUndefined();
    expect(catchAllRoute(vs, 'reviews', 'bookinfo')).toBeUndefined();
  });

  it('takes the last rule when a jason rule comes before the default route', () => {
    const fallback = { route: [{ destination: { host: 'reviews', subset: 'v1' } }], timeout: '2s' };
    const vs = vsOf([jasonRule, fallback]);
    expect(defaultHttpRoute(vs, reviews)).toEqual({ index: 1, route: fallback });
    expect(configuredWeights(vs, 'reviews', 'bookinfo')).toEqual({ v1: 100 });
    expect(serviceMatchRoutes(vs, reviews)).toEqual({
      rules: [{ index: 0, route: jasonRule }],
      unreachable: [],
    });
  });

  it('takes the first catch-all: routes after it never match', () => {
    const first = { route: [{ destination: { host: 'reviews', subset: 'v1' } }] };
    const second = { route: [{ destination: { host: 'reviews', subset: 'v3' } }] };
    expect(defaultHttpRoute(vsOf([first, second]), reviews)?.index).toBe(0);
    // A match route after the catch-all is unreachable, so it is not one of the service's rules.
    expect(serviceMatchRoutes(vsOf([first, jasonRule, second]), reviews)).toEqual({
      rules: [],
      unreachable: [
        { index: 1, route: jasonRule },
        { index: 2, route: second },
      ],
    });
  });

  it('counts match blocks that match everything as a catch-all', () => {
    const to = [{ destination: { host: 'reviews', subset: 'v1' } }];
    for (const match of [
      [],
      [{}],
      [{ name: 'all' }],
      [{ uri: { prefix: '/' } }],
      [{ uri: { regex: '.*' }, ignoreUriCase: true }],
      [{ headers: {} }],
      [{ headers: { 'end-user': { exact: 'jason' } } }, { uri: { prefix: '/' } }],
    ]) {
      expect(matchesEveryRequest(HttpRoute.parse({ match, route: to })), JSON.stringify(match)).toBe(true);
      expect(defaultHttpRoute(vsOf([{ match, route: to }]), reviews)?.index).toBe(0);
    }
    for (const match of [
      [{ uri: { prefix: '/api' } }],
      [{ uri: { exact: '/' } }],
      [{ method: { exact: 'GET' } }],
      [{ sourceLabels: { app: 'productpage' } }],
      [{ port: 9080 }],
      [{ gateways: ['bookinfo-gateway'] }],
    ]) {
      expect(matchesEveryRequest(HttpRoute.parse({ match, route: to })), JSON.stringify(match)).toBe(false);
    }
  });

  it('reads every form of host, relative to the VirtualService namespace', () => {
    const route = (host: string) => ({ route: [{ destination: { host, subset: 'v1' } }] });
    for (const host of [
      'reviews',
      'reviews.bookinfo',
      'reviews.bookinfo.svc',
      'reviews.bookinfo.svc.cluster.local',
    ]) {
      const vs = typed({ hosts: [host], http: [route(host)] });
      expect(defaultHttpRoute(vs, reviews)?.index, host).toBe(0);
      expect(configuredWeights(vs, 'reviews', 'bookinfo'), host).toEqual({ v1: 100 });
    }
    // A short name in another namespace's VirtualService means that namespace's service.
    const elsewhere = typed({ hosts: ['reviews'], http: [route('reviews')] }, { namespace: 'other' });
    expect(defaultHttpRoute(elsewhere, reviews)).toBeUndefined();
    expect(defaultHttpRoute(elsewhere, { name: 'reviews', namespace: 'other' })?.index).toBe(0);
    // From another namespace the service is named with its namespace.
    const remote = typed(
      { hosts: ['reviews.bookinfo.svc.cluster.local'], http: [route('reviews.bookinfo')] },
      { namespace: 'other' },
    );
    expect(configuredWeights(remote, 'reviews', 'bookinfo')).toEqual({ v1: 100 });
    // Another cluster domain.
    const custom = typed({
      hosts: ['reviews.bookinfo.svc.corp.local'],
      http: [route('reviews.bookinfo.svc.corp.local')],
    });
    expect(defaultHttpRoute(custom, reviews)).toBeUndefined();
    expect(defaultHttpRoute(custom, reviews, { clusterDomain: 'corp.local' })?.index).toBe(0);
  });

  it('lets wildcard hosts cover the service, but not wildcard destinations', () => {
    const http = [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }];
    for (const host of ['*', '*.bookinfo.svc.cluster.local', '*.cluster.local']) {
      const vs = typed({ hosts: [host], http });
      expect(defaultHttpRoute(vs, reviews)?.index, host).toBe(0);
    }
    const narrow = typed({ hosts: ['*.other.svc.cluster.local'], http });
    expect(defaultHttpRoute(narrow, reviews)).toBeUndefined();
    const wildDest = vsOf([{ route: [{ destination: { host: '*.bookinfo.svc.cluster.local' } }] }]);
    expect(defaultHttpRoute(wildDest, reviews)).toBeUndefined();
  });

  it('ignores VirtualServices for other hosts, gateway-only ones, and catch-alls sending elsewhere', () => {
    const http = [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }];
    expect(defaultHttpRoute(vsOf(http, { hosts: ['ratings'] }), reviews)).toBeUndefined();
    expect(defaultHttpRoute(vsOf(http, { gateways: ['bookinfo-gateway'] }), reviews)).toBeUndefined();
    expect(defaultHttpRoute(vsOf(http, { gateways: ['bookinfo-gateway', 'mesh'] }), reviews)?.index).toBe(0);
    const elsewhere = vsOf([{ route: [{ destination: { host: 'reviews-legacy' } }] }, ...http]);
    expect(defaultHttpRoute(elsewhere, reviews)).toBeUndefined();
    expect(defaultHttpRoute(undefined, reviews)).toBeUndefined();
    expect(defaultHttpRoute(typed({ hosts: ['reviews'] }), reviews)).toBeUndefined();
  });
});

describe('configuredWeights', () => {
  it('reads the default route, skipping match rules and other hosts', () => {
    const vs = vsOf([
      {
        match: [{ headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2' } }],
      },
      {
        route: [
          { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' }, weight: 80 },
          { destination: { host: 'reviews', subset: 'v3' }, weight: 20 },
        ],
      },
    ]);
    expect(configuredWeights(vs, 'reviews', 'bookinfo')).toEqual({ v1: 80, v3: 20 });
    expect(configuredWeights(vs, 'ratings', 'bookinfo')).toBeUndefined();
  });
  it('counts a lone destination as 100', () => {
    // Without hosts (a delegate) the VirtualService is taken to be about the service.
    const vs = typed({ http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] });
    expect(configuredWeights(vs, 'reviews', 'bookinfo')).toEqual({ v3: 100 });
    expect(configuredWeights(undefined, 'reviews', 'bookinfo')).toBeUndefined();
  });
});
