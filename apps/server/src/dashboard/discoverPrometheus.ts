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

export interface PrometheusForServeOptions {
  /** `--prometheus-url`: used as given when set. */
  prometheusUrl?: string;
  kubeconfig?: string;
  context?: string;
  /** `<namespace>/<service>` or `<service>` (namespace istio-system); default istio-system/prometheus. */
  prometheusService?: string;
  /** Told why Prometheus was not found, and about connections the port-forward could not carry. */
  warn: (message: string) => void;
}

/** Parses `--prometheus-service`: `<namespace>/<service>` or `<service>` (in istio-system). */
export function parseServiceRef(ref: string): { namespace: string; service: string } {
  const [first, second, ...rest] = ref.split('/');
  if (!first || rest.length > 0 || second === '')
    throw new Error(`"${ref}" is not <namespace>/<service> or <service>`);
  return second === undefined
    ? { namespace: 'istio-system', service: first }
    : { namespace: first, service: second };
}

/**
 * The Prometheus URL for `sextant serve`: `--prometheus-url` when given, else the discovered
 * Service (through a port-forward outside the cluster). When none is found it warns and answers
 * `url: undefined`, and the server draws graphs from configuration alone.
 */
export async function prometheusForServe(
  o: PrometheusForServeOptions,
): Promise<{ url: string | undefined; via?: DiscoveredPrometheus['via']; stop(): Promise<void> }> {
  if (o.prometheusUrl) return { url: o.prometheusUrl, stop: () => Promise.resolve() };
  try {
    const found = await discoverPrometheus(
      {
        ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
        ...(o.context !== undefined ? { context: o.context } : {}),
      },
      {
        ...parseServiceRef(o.prometheusService ?? 'istio-system/prometheus'),
        onError: (err) => o.warn(err.message),
      },
    );
    return found;
  } catch (err) {
    o.warn(
      `No Prometheus found (${err instanceof Error ? err.message : String(err)}); give --prometheus-url. ` +
        'Graphs will show configuration only.',
    );
    return { url: undefined, stop: () => Promise.resolve() };
  }
}
