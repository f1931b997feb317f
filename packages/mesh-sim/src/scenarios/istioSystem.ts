/**
 * `istio-system` as an Istio 1.24 install with the sample addons: istiod, the ingress gateway,
 * and Prometheus, Grafana, Jaeger and Kiali labelled as Istio's addon manifests label them,
 * which is what `istioctl dashboard` (and `sextant dashboard`) look pods up by. Kiali and
 * Prometheus come from the vendored addon files; the others are written here to match theirs.
 */
import type { ClusterStore, KubeObject } from '../cluster/types';
import { applyManifests, ensureNamespace, readManifests } from './manifests';

export const ISTIO_SYSTEM = 'istio-system';
const ISTIO_VERSION = '1.24.0';

interface Workload {
  name: string;
  labels: Record<string, string>;
  /** The labels Deployment and Service select on (a subset of `labels`). */
  selector: Record<string, string>;
  image: string;
  containerName?: string;
  containerPorts: { name: string; containerPort: number }[];
  services: { name: string; type?: string; ports: { name: string; port: number; targetPort: number }[] }[];
  serviceAccount?: string;
}

const WORKLOADS: Workload[] = [
  {
    name: 'istiod',
    labels: {
      app: 'istiod',
      istio: 'pilot',
      'istio.io/rev': 'default',
      'install.operator.istio.io/owning-resource': 'unknown',
    },
    selector: { istio: 'pilot' },
    image: `docker.io/istio/pilot:${ISTIO_VERSION}`,
    containerName: 'discovery',
    containerPorts: [
      { name: 'http-debug', containerPort: 8080 },
      { name: 'grpc-xds', containerPort: 15010 },
      { name: 'https-dns', containerPort: 15012 },
      { name: 'https-webhooks', containerPort: 15017 },
      { name: 'http-monitoring', containerPort: 15014 },
    ],
    services: [
      {
        name: 'istiod',
        ports: [
          { name: 'grpc-xds', port: 15010, targetPort: 15010 },
          { name: 'https-dns', port: 15012, targetPort: 15012 },
          { name: 'https-webhook', port: 443, targetPort: 15017 },
          { name: 'http-monitoring', port: 15014, targetPort: 15014 },
        ],
      },
    ],
    serviceAccount: 'istiod',
  },
  {
    name: 'istio-ingressgateway',
    labels: {
      app: 'istio-ingressgateway',
      istio: 'ingressgateway',
      'istio.io/rev': 'default',
      'service.istio.io/canonical-name': 'istio-ingressgateway',
      'service.istio.io/canonical-revision': 'latest',
      'sidecar.istio.io/inject': 'false',
    },
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
    containerName: 'istio-proxy',
    containerPorts: [
      { name: 'http2', containerPort: 8080 },
      { name: 'https', containerPort: 8443 },
      { name: 'status-port', containerPort: 15021 },
      { name: 'http-envoy-prom', containerPort: 15090 },
    ],
    services: [
      {
        name: 'istio-ingressgateway',
        type: 'LoadBalancer',
        ports: [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
    ],
    serviceAccount: 'istio-ingressgateway-service-account',
  },
  {
    name: 'grafana',
    labels: {
      'app.kubernetes.io/name': 'grafana',
      'app.kubernetes.io/instance': 'grafana',
      'app.kubernetes.io/version': '11.3.1',
    },
    selector: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' },
    image: 'docker.io/grafana/grafana:11.3.1',
    containerName: 'grafana',
    containerPorts: [{ name: 'grafana', containerPort: 3000 }],
    services: [{ name: 'grafana', ports: [{ name: 'service', port: 3000, targetPort: 3000 }] }],
    serviceAccount: 'grafana',
  },
  {
    name: 'jaeger',
    labels: { app: 'jaeger' },
    selector: { app: 'jaeger' },
    image: 'docker.io/jaegertracing/all-in-one:1.63.0',
    containerName: 'jaeger',
    containerPorts: [
      { name: 'http-query', containerPort: 16686 },
      { name: 'zipkin', containerPort: 9411 },
      { name: 'grpc-otel', containerPort: 4317 },
    ],
    services: [
      {
        name: 'tracing',
        ports: [
          { name: 'http-query', port: 80, targetPort: 16686 },
          { name: 'grpc-query', port: 16685, targetPort: 16685 },
        ],
      },
      { name: 'zipkin', ports: [{ name: 'http-query', port: 9411, targetPort: 9411 }] },
      {
        name: 'jaeger-collector',
        ports: [
          { name: 'grpc-otel', port: 4317, targetPort: 4317 },
          { name: 'http-otel', port: 4318, targetPort: 4318 },
        ],
      },
    ],
  },
];

function objectsFor(w: Workload): KubeObject[] {
  const objects: KubeObject[] = [];
  if (w.serviceAccount !== undefined) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: w.serviceAccount, namespace: ISTIO_SYSTEM, labels: w.selector },
    });
  }
  for (const service of w.services) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service.name, namespace: ISTIO_SYSTEM, labels: w.labels },
      spec: {
        type: service.type ?? 'ClusterIP',
        selector: w.selector,
        ports: service.ports.map((p) => ({ ...p, protocol: 'TCP' })),
      },
    });
  }
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: ISTIO_SYSTEM, labels: w.labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: w.selector },
      template: {
        metadata: { labels: w.labels, annotations: { 'sidecar.istio.io/inject': 'false' } },
        spec: {
          ...(w.serviceAccount !== undefined ? { serviceAccountName: w.serviceAccount } : {}),
          containers: [
            {
              name: w.containerName ?? w.name,
              image: w.image,
              ports: w.containerPorts.map((p) => ({ ...p, protocol: 'TCP' })),
            },
          ],
        },
      },
    },
  });
  return objects;
}

export function loadIstioSystem(store: ClusterStore): void {
  ensureNamespace(store, ISTIO_SYSTEM);
  for (const workload of WORKLOADS) applyManifests(store, objectsFor(workload));
  applyManifests(store, readManifests('addons/prometheus.yaml'));
  applyManifests(store, readManifests('addons/kiali.yaml'));
}
