/**
 * What istiod's sidecar-injector webhook does to a pod at admission. It runs once, when the
 * pod is created: labelling a namespace later changes nothing until new pods are made (a
 * `kubectl rollout restart`), exactly the trap operators meet on real clusters.
 */
import type { KubeObject } from '../cluster/types';
import { asArray, asRecord, asString, stringMap, type Json } from './objects';

export const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.24.0';
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
const INJECT = 'sidecar.istio.io/inject';

/** Whether a pod created now in this namespace gets a sidecar. */
export function shouldInject(
  namespace: KubeObject | undefined,
  pod: { labels?: Record<string, string>; annotations?: Record<string, string> },
): boolean {
  // Istio honours the label first, then the older annotation, both as a per-pod override.
  const podChoice = pod.labels?.[INJECT] ?? pod.annotations?.[INJECT];
  if (podChoice === 'false') return false;
  if (podChoice === 'true') return true;
  const nsLabels = namespace?.metadata.labels ?? {};
  if (nsLabels['istio-injection'] === 'enabled') return true;
  return nsLabels['istio-injection'] === undefined && nsLabels['istio.io/rev'] !== undefined;
}

export function isInjected(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[STATUS_ANNOTATION] !== undefined;
}

/**
 * Returns the injected copy of a pod: `istio-init` + `istio-proxy`, the status annotation,
 * and the labels Istio's telemetry keys on.
 */
export function injectSidecar(pod: KubeObject): KubeObject {
  const spec = asRecord(pod.spec);
  const containers = asArray(spec.containers).map(asRecord);
  const labels = { ...(pod.metadata.labels ?? {}) };
  const annotations = { ...(pod.metadata.annotations ?? {}) };
  const workload = canonicalName(pod);

  labels['security.istio.io/tlsMode'] = 'istio';
  labels['service.istio.io/canonical-name'] ??= workload;
  labels['service.istio.io/canonical-revision'] ??=
    labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';

  annotations[STATUS_ANNOTATION] = JSON.stringify({
    initContainers: ['istio-init'],
    containers: ['istio-proxy'],
    volumes: [
      'workload-socket',
      'credential-socket',
      'workload-certs',
      'istio-envoy',
      'istio-data',
      'istio-podinfo',
      'istio-token',
      'istiod-ca-cert',
    ],
    imagePullSecrets: null,
    revision: 'default',
  });
  annotations['istio.io/rev'] ??= 'default';
  annotations['kubectl.kubernetes.io/default-container'] ??= asString(containers[0]?.name) ?? 'istio-proxy';
  annotations['kubectl.kubernetes.io/default-logs-container'] ??=
    asString(containers[0]?.name) ?? 'istio-proxy';
  annotations['prometheus.io/scrape'] ??= 'true';
  annotations['prometheus.io/port'] ??= '15020';
  annotations['prometheus.io/path'] ??= '/stats/prometheus';

  const proxy: Json = {
    name: 'istio-proxy',
    image: PROXY_IMAGE,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      `${pod.metadata.namespace ?? 'default'}.svc.cluster.local`,
      '--proxyLogLevel=warning',
      '--log_output_level=default:info',
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    env: [
      { name: 'ISTIO_META_WORKLOAD_NAME', value: workload },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
    ],
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15 },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: { runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true, readOnlyRootFilesystem: true },
  };
  const init: Json = {
    name: 'istio-init',
    image: PROXY_IMAGE,
    args: [
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      '*',
      '-x',
      '',
      '-b',
      '*',
      '-d',
      '15090,15021,15020',
    ],
  };

  return {
    ...pod,
    metadata: { ...pod.metadata, labels, annotations },
    spec: {
      ...spec,
      initContainers: [...asArray(spec.initContainers), init],
      containers: [...containers, proxy],
    },
  };
}

/** Istio's canonical service name: `service.istio.io/canonical-name`, else app labels, else the workload. */
function canonicalName(pod: KubeObject): string {
  const labels = stringMap(pod.metadata.labels);
  return (
    labels['service.istio.io/canonical-name'] ??
    labels['app.kubernetes.io/name'] ??
    labels.app ??
    workloadName(pod)
  );
}

/** The Deployment a ReplicaSet-owned pod belongs to (`reviews-v1-7f4c9b8d5x-abcde` → `reviews-v1`). */
export function workloadName(pod: KubeObject): string {
  const hash = pod.metadata.labels?.['pod-template-hash'];
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller === true);
  if (
    owner !== undefined &&
    owner.kind === 'ReplicaSet' &&
    hash !== undefined &&
    owner.name.endsWith(`-${hash}`)
  ) {
    return owner.name.slice(0, -hash.length - 1);
  }
  return owner?.name ?? pod.metadata.name;
}
