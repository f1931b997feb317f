/**
 * A small shop next to Bookinfo so the demo carries every protocol Istio reports, shaped like
 * the cart path of Google's Online Boutique: `frontend` calls `cartservice` over gRPC (port
 * `grpc`), and `cartservice` keeps carts in `redis-cart` over TCP (port `tcp-redis`). The
 * namespace is injected; `frontend` originates the load itself (`sim.sextant.io/rps`), so no
 * Bookinfo figure changes. The traffic model reads the call graph from the same annotations
 * as the scale scenario.
 */
import type { ClusterStore, KubeObject } from '../cluster/types';
import { applyManifests, ensureNamespace } from './manifests';
import { CALLS_ANNOTATION, ERROR_ANNOTATION, LATENCY_ANNOTATION, RPS_ANNOTATION } from './scale';

export const BOUTIQUE_NAMESPACE = 'boutique';

interface Part {
  app: string;
  /** The Service port, named as Istio selects the protocol. */
  port: { name: string; port: number; targetPort: number };
  annotations: Record<string, string>;
}

const PARTS: Part[] = [
  {
    app: 'frontend',
    port: { name: 'http', port: 80, targetPort: 8080 },
    annotations: {
      [CALLS_ANNOTATION]: `cartservice.${BOUTIQUE_NAMESPACE}`,
      [RPS_ANNOTATION]: '6',
      [LATENCY_ANNOTATION]: '8',
      [ERROR_ANNOTATION]: '0',
    },
  },
  {
    app: 'cartservice',
    port: { name: 'grpc', port: 7070, targetPort: 7070 },
    annotations: {
      [CALLS_ANNOTATION]: `redis-cart.${BOUTIQUE_NAMESPACE}`,
      [LATENCY_ANNOTATION]: '3',
      [ERROR_ANNOTATION]: '0',
    },
  },
  {
    app: 'redis-cart',
    port: { name: 'tcp-redis', port: 6379, targetPort: 6379 },
    annotations: { [CALLS_ANNOTATION]: '' },
  },
];

/** The shop's ServiceAccounts, Deployments (`<app>-v1`) and Services. */
export function boutiqueObjects(): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const { app, port, annotations } of PARTS) {
    const labels = { app, version: 'v1' };
    objects.push(
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, labels: { app } } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `${app}-v1`, labels, annotations },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: app,
              containers: [
                {
                  name: app,
                  image: `docker.io/sextant/sim-${app}:1.0`,
                  ports: [{ name: port.name, containerPort: port.targetPort, protocol: 'TCP' }],
                },
              ],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: app, labels: { app, service: app } },
        spec: { selector: { app }, ports: [{ ...port, protocol: 'TCP' }] },
      },
    );
  }
  return objects;
}

export function loadBoutique(store: ClusterStore): void {
  ensureNamespace(store, BOUTIQUE_NAMESPACE, { 'istio-injection': 'enabled' });
  applyManifests(store, boutiqueObjects(), BOUTIQUE_NAMESPACE);
}
