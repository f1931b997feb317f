import { createHash } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import type { Credentials } from '../auth/credentials';
import { HttpError } from '../httpError';
import { ImpersonatingKubeConfig } from './impersonation';

export interface KubeConfigOptions {
  /** Path to a kubeconfig file; default: $KUBECONFIG or ~/.kube/config, or in-cluster when none. */
  kubeconfig?: string;
  context?: string;
}

/** Loads a kubeconfig (with --context), or the in-cluster service account. */
export function loadKubeConfig(options: KubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new Error(
        `No context "${options.context}" in the kubeconfig (known: ${known.join(', ') || 'none'}).`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster())
    throw new Error('The kubeconfig names no cluster: give --kubeconfig and --context.');
  return kc;
}

function currentCluster(base: KubeConfig) {
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new HttpError(500, 'internal', 'No current cluster in the kubeconfig.');
  return cluster;
}

/** The same cluster, authenticated as the bearer of `token` (the caller's own identity). */
export function kubeConfigForToken(base: KubeConfig, token: string): KubeConfig {
  const cluster = currentCluster(base);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'caller', token }],
    contexts: [{ name: 'caller', cluster: cluster.name, user: 'caller' }],
    currentContext: 'caller',
  });
  return kc;
}

/**
 * The server's own identity asking the API server to act as `user` in `groups`
 * (`Impersonate-User`, `Impersonate-Group`): the API server checks that the server may
 * impersonate, then authorizes the request as that user.
 */
export function kubeConfigImpersonating(
  base: KubeConfig,
  user: string,
  groups: readonly string[],
): KubeConfig {
  const cluster = currentCluster(base);
  const self = base.getCurrentUser();
  if (!self) throw new HttpError(500, 'internal', 'No current user in the kubeconfig.');
  const kc = new ImpersonatingKubeConfig(groups);
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ ...self, name: 'impersonating', impersonateUser: user }],
    contexts: [{ name: 'impersonating', cluster: cluster.name, user: 'impersonating' }],
    currentContext: 'impersonating',
  });
  return kc;
}

/** The kubeconfig for a request's credentials. */
export function kubeConfigFor(base: KubeConfig, credentials: Credentials): KubeConfig {
  switch (credentials.kind) {
    case 'server':
      return base;
    case 'token':
      return kubeConfigForToken(base, credentials.token);
    case 'impersonate':
      return kubeConfigImpersonating(base, credentials.user, credentials.groups);
  }
}

/**
 * A stable key for caching per identity; tokens are hashed so no cache key (or log line built
 * from one) carries a usable credential.
 */
export function credentialsKey(credentials: Credentials): string {
  switch (credentials.kind) {
    case 'server':
      return 'server';
    case 'token':
      return `token:${createHash('sha256').update(credentials.token).digest('base64url')}`;
    case 'impersonate':
      return `as:${JSON.stringify([credentials.user, [...credentials.groups].sort()])}`;
  }
}

/** The user name the kubeconfig authenticates as, for /api/auth/info. */
export function kubeUserName(kc: KubeConfig): string {
  return kc.getCurrentUser()?.name ?? 'unknown';
}
