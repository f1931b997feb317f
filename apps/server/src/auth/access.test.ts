import { describe, expect, it } from 'vitest';
import { AccessResolver } from './access';
import type { Credentials } from './credentials';
import type { IdentityReviews, ResourceAttributes, ResourceRule } from './reviews';

/** Answers like an API server whose RBAC is `clusterWide` plus `rulesByNamespace`; counts calls. */
function fakeReviews(clusterWide: Set<string>, rulesByNamespace: Record<string, ResourceRule[]>) {
  const calls = { canI: 0, rules: 0 };
  const reviews: IdentityReviews = {
    whoAmI: () => Promise.resolve({ user: 'someone', groups: [] }),
    canI: (_c: Credentials, a: ResourceAttributes) => {
      calls.canI += 1;
      return Promise.resolve(clusterWide.has(a.resource));
    },
    rules: (_c: Credentials, ns: string) => {
      calls.rules += 1;
      return Promise.resolve({ rules: rulesByNamespace[ns] ?? [], incomplete: false });
    },
  };
  return { reviews, calls };
}

const token: Credentials = { kind: 'token', token: 't' };
const NAMESPACES = ['bookinfo', 'curl', 'istio-system'];

describe('AccessResolver', () => {
  it('gives the server its own full view without asking', async () => {
    const { reviews, calls } = fakeReviews(new Set(), {});
    const access = await new AccessResolver(reviews).resolve({ kind: 'server' }, NAMESPACES);
    expect(access.all).toBe(true);
    expect(calls).toEqual({ canI: 0, rules: 0 });
  });

  it('settles a cluster-wide reader with one review per kind and no rules reviews', async () => {
    const everything = new Set([
      'services',
      'endpoints',
      'pods',
      'deployments',
      'replicasets',
      'virtualservices',
      'destinationrules',
      'gateways',
      'serviceentries',
      'sidecars',
      'peerauthentications',
      'authorizationpolicies',
      'requestauthentications',
    ]);
    const { reviews, calls } = fakeReviews(everything, {});
    const access = await new AccessResolver(reviews).resolve(token, NAMESPACES);
    expect(access.all).toBe(true);
    expect(calls.rules).toBe(0);
    expect(calls.canI).toBe(everything.size);
  });

  it('asks per namespace for what is not readable everywhere, and sees only what the rules grant', async () => {
    const { reviews, calls } = fakeReviews(new Set(['services']), {
      bookinfo: [{ verbs: ['list'], apiGroups: ['networking.istio.io'], resources: ['virtualservices'] }],
    });
    const access = await new AccessResolver(reviews).resolve(token, NAMESPACES);
    expect(access.all).toBe(false);
    expect(calls.rules).toBe(3);
    expect(access.canRead('virtualservices', 'bookinfo')).toBe(true);
    expect(access.canRead('virtualservices', 'curl')).toBe(false);
    expect(access.canRead('services', 'curl')).toBe(true);
    expect(access.canRead('pods', 'bookinfo')).toBe(false);
    expect(access.canSeeNamespace('curl')).toBe(true);
  });

  it('hides a namespace where nothing may be listed', async () => {
    const { reviews } = fakeReviews(new Set(), {
      bookinfo: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
    });
    const access = await new AccessResolver(reviews).resolve(token, NAMESPACES);
    expect(access.canSeeNamespace('bookinfo')).toBe(true);
    expect(access.canSeeNamespace('curl')).toBe(false);
    expect(access.canSeeNamespace('istio-system')).toBe(false);
  });

  it('costs one round of reviews for a burst of requests, and gives equal access equal keys', async () => {
    const { reviews, calls } = fakeReviews(new Set(), {
      bookinfo: [{ verbs: ['list'], apiGroups: ['*'], resources: ['*'] }],
    });
    const resolver = new AccessResolver(reviews);
    const burst = await Promise.all(Array.from({ length: 10 }, () => resolver.resolve(token, NAMESPACES)));
    expect(calls.rules).toBe(NAMESPACES.length);
    expect(calls.canI).toBe(13);
    expect(new Set(burst.map((a) => a.key)).size).toBe(1);
    const other = await resolver.resolve({ kind: 'token', token: 'u' }, NAMESPACES);
    expect(other.key).toBe(burst[0]?.key);
    expect(calls.rules).toBe(2 * NAMESPACES.length);
  });
});
