import { AuthenticationV1Api, AuthorizationV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Credentials } from '../auth/credentials';
import type { IdentityReviews, ResourceAttributes, ResourceRule, UserInfo } from '../auth/reviews';
import { credentialsKey, kubeConfigFor } from './config';
import { fromKubeError } from './errors';

interface Clients {
  authn: AuthenticationV1Api;
  authz: AuthorizationV1Api;
}

const MAX_CLIENTS = 500;

/** SelfSubjectReview / SelfSubjectRulesReview / SelfSubjectAccessReview with each caller's credentials. */
export class KubeReviews implements IdentityReviews {
  // PERFORMANCE: one client (and so one TLS agent) per identity instead of one per request.
  private readonly clients = new Map<string, Clients>();

  constructor(private readonly base: KubeConfig) {}

  private clientsFor(credentials: Credentials): Clients {
    const key = credentialsKey(credentials);
    let c = this.clients.get(key);
    if (!c) {
      const kc = kubeConfigFor(this.base, credentials);
      c = { authn: kc.makeApiClient(AuthenticationV1Api), authz: kc.makeApiClient(AuthorizationV1Api) };
      if (this.clients.size >= MAX_CLIENTS) {
        const oldest = this.clients.keys().next();
        if (!oldest.done) this.clients.delete(oldest.value);
      }
      this.clients.set(key, c);
    }
    return c;
  }

  async whoAmI(credentials: Credentials): Promise<UserInfo> {
    try {
      const review = await this.clientsFor(credentials).authn.createSelfSubjectReview({
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      });
      const info = review.status?.userInfo;
      return { user: info?.username ?? '', groups: info?.groups ?? [] };
    } catch (err) {
      throw fromKubeError(err, 'check who you are (SelfSubjectReview)');
    }
  }

  async rules(
    credentials: Credentials,
    namespace: string,
  ): Promise<{ rules: ResourceRule[]; incomplete: boolean }> {
    try {
      const review = await this.clientsFor(credentials).authz.createSelfSubjectRulesReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectRulesReview',
          spec: { namespace },
        },
      });
      const rules = (review.status?.resourceRules ?? []).map((r) => ({
        verbs: r.verbs,
        apiGroups: r.apiGroups ?? [],
        resources: r.resources ?? [],
        resourceNames: r.resourceNames,
      }));
      return { rules, incomplete: review.status?.incomplete === true };
    } catch (err) {
      throw fromKubeError(err, `list your permissions in ${namespace} (SelfSubjectRulesReview)`);
    }
  }

  async canI(credentials: Credentials, a: ResourceAttributes): Promise<boolean> {
    try {
      const review = await this.clientsFor(credentials).authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: a.verb,
              group: a.group,
              resource: a.resource,
              namespace: a.namespace,
            },
          },
        },
      });
      return review.status?.allowed === true;
    } catch (err) {
      throw fromKubeError(err, `check permission to ${a.verb} ${a.resource} (SelfSubjectAccessReview)`);
    }
  }
}
