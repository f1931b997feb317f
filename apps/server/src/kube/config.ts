import { KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '../httpError';

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

/** The same cluster, authenticated as the bearer of `token` (writes with the caller's identity). */
export function kubeConfigForToken(base: KubeConfig, token: string): KubeConfig {
  const cluster = base.getCurrentCluster();
  if (!cluster) throw new HttpError(500, 'internal', 'No current cluster in the kubeconfig.');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'caller', token }],
    contexts: [{ name: 'caller', cluster: cluster.name, user: 'caller' }],
    currentContext: 'caller',
  });
  return kc;
}

/** The user name the kubeconfig authenticates as, for /api/auth/info. */
export function kubeUserName(kc: KubeConfig): string {
  return kc.getCurrentUser()?.name ?? 'unknown';
}
