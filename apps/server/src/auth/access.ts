import { createHash } from 'node:crypto';
import { credentialsKey } from '../kube/config';
import { RESOURCES } from '../kube/resources';
import type { Resource, ResourceKey } from '../kube/resources';
import type { Credentials } from './credentials';
import type { IdentityReviews } from './reviews';
import { rulesAllow } from './rules';
import { SingleFlightCache } from './singleFlightCache';

/** What one identity may read from the informer cache. */
export interface Access {
  /** Everything the cache holds (anonymous, or an identity that may list every kind cluster-wide). */
  readonly all: boolean;
  /** Equal keys, equal permissions: filtered views are cached by it. */
  readonly key: string;
  /** May the identity list `resource` in `namespace`? */
  canRead(resource: ResourceKey, namespace: string): boolean;
  /** A namespace is visible when at least one of the kinds Sextant reads in it may be listed. */
  canSeeNamespace(namespace: string): boolean;
}

export const FULL_ACCESS: Access = {
  all: true,
  key: 'all',
  canRead: () => true,
  canSeeNamespace: () => true,
};

const NAMESPACED: readonly Resource[] = RESOURCES.filter((r) => r.namespaced);

class RuleAccess implements Access {
  readonly all = false;
  readonly key: string;

  constructor(private readonly byNamespace: ReadonlyMap<string, ReadonlySet<ResourceKey>>) {
    const text = [...byNamespace]
      .map(([ns, kinds]) => `${ns}:${[...kinds].sort().join(',')}`)
      .sort()
      .join(';');
    this.key = createHash('sha256').update(text).digest('base64url');
  }

  canRead(resource: ResourceKey, namespace: string): boolean {
    return this.byNamespace.get(namespace)?.has(resource) ?? false;
  }

  canSeeNamespace(namespace: string): boolean {
    return (this.byNamespace.get(namespace)?.size ?? 0) > 0;
  }
}

/**
 * Decides an identity's Access from the API server, with that identity's credentials: one
 * SelfSubjectAccessReview per kind cluster-wide (a ClusterRoleBinding settles everything at
 * once), then, only for kinds not readable everywhere, one SelfSubjectRulesReview per namespace.
 * Answers are cached per identity for `ttlMs`, with single-flight, so a page load's burst of
 * requests costs one round of reviews.
 */
export class AccessResolver {
  private readonly clusterWide: SingleFlightCache<ReadonlySet<ResourceKey>>;
  private readonly perNamespace: SingleFlightCache<ReadonlySet<ResourceKey>>;

  constructor(
    private readonly reviews: IdentityReviews,
    ttlMs = 30_000,
  ) {
    this.clusterWide = new SingleFlightCache(ttlMs);
    this.perNamespace = new SingleFlightCache(ttlMs);
  }

  async resolve(credentials: Credentials, namespaces: readonly string[]): Promise<Access> {
    if (credentials.kind === 'server') return FULL_ACCESS;
    const who = credentialsKey(credentials);
    const everywhere = await this.clusterWide.get(who, async () => {
      const allowed = await Promise.all(
        NAMESPACED.map((r) =>
          this.reviews.canI(credentials, { verb: 'list', group: r.group, resource: r.plural }),
        ),
      );
      return new Set(NAMESPACED.filter((_, i) => allowed[i]).map((r) => r.plural));
    });
    if (NAMESPACED.every((r) => everywhere.has(r.plural))) return FULL_ACCESS;

    const byNamespace = new Map<string, ReadonlySet<ResourceKey>>();
    await Promise.all(
      namespaces.map(async (ns) => {
        const kinds = await this.perNamespace.get(`${who}|${ns}`, async () => {
          const { rules } = await this.reviews.rules(credentials, ns);
          return new Set(
            NAMESPACED.filter(
              (r) => everywhere.has(r.plural) || rulesAllow(rules, 'list', r.group, r.plural),
            ).map((r) => r.plural),
          );
        });
        byNamespace.set(ns, kinds);
      }),
    );
    return new RuleAccess(byNamespace);
  }
}
