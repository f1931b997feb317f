import { loadKubeConfig } from '../kube/config';
import type { KubeConfigOptions } from '../kube/config';
import {
  checkPortForwardAccess,
  isInCluster,
  KubeConfig,
  resolvePod,
  serviceBackend,
  startPortForward,
} from '../kube/portForward';
import type { PortForwardError } from '../kube/portForward';

export interface DiscoveredPrometheus {
  /** Base URL of the Prometheus HTTP API. */
  url: string;
  /** How it is reached: the Service address in-cluster, a local port-forward outside. */
  via: 'service' | 'port-forward';
  /** Ends the port-forward (nothing to do in-cluster). */
  stop(): Promise<void>;
}

export interface DiscoverPrometheusOptions {
  namespace?: string;
  service?: string;
  /** Service port (default: the Service's first port). */
  port?: number;
  /** Told about connections the port-forward could not carry (it keeps running). */
  onError?: (error: PortForwardError) => void;
}

/**
 * Finds the Prometheus Service (default `istio-system/prometheus`). In the cluster, Sextant
 * talks to the Service address; outside it, through a reconnecting port-forward to a pod the
 * Service selects, on a free local port. Throws a PortForwardError saying what is missing or
 * refused. `kubeconfig`: the `--kubeconfig`/`--context` flags, or an already loaded config.
 */
export async function discoverPrometheus(
  kubeconfig: KubeConfigOptions | KubeConfig,
  options: DiscoverPrometheusOptions = {},
): Promise<DiscoveredPrometheus> {
  const namespace = options.namespace ?? 'istio-system';
  const service = options.service ?? 'prometheus';
  const kc = kubeconfig instanceof KubeConfig ? kubeconfig : loadKubeConfig(kubeconfig);
  const backend = await serviceBackend(kc, namespace, service, options.port);
  if (isInCluster(kc))
    return {
      url: `http://${service}.${namespace}:${backend.servicePort}`,
      via: 'service',
      stop: () => Promise.resolve(),
    };
  const target = { namespace, labels: backend.selector, port: backend.targetPort };
  await resolvePod(kc, target);
  await checkPortForwardAccess(kc, namespace);
  const forward = await startPortForward(kc, target, {
    port: 0,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return { url: forward.url(), via: 'port-forward', stop: () => forward.stop() };
}
