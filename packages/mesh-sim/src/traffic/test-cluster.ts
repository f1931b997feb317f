import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ClusterEvent, ClusterView, KubeObject } from '../cluster/types';

/**
 * Test data for the pure traffic modules: the Istio sample YAMLs turned into the objects a
 * cluster would hold (a Deployment's pod included, with a sidecar when its namespace is
 * labelled for injection). Unit tests only; integration tests use the real simulator.
 */

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/istio');

const RESOURCE_BY_KIND: Record<string, string> = {
  Namespace: 'namespaces',
  Pod: 'pods',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
  Deployment: 'deployments.apps',
  ReplicaSet: 'replicasets.apps',
  VirtualService: 'virtualservices.networking.istio.io',
  DestinationRule: 'destinationrules.networking.istio.io',
  Gateway: 'gateways.networking.istio.io',
  PeerAuthentication: 'peerauthentications.security.istio.io',
};

export function loadFixture(relativePath: string): KubeObject[] {
  const text = readFileSync(join(FIXTURES_DIR, relativePath), 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is KubeObject => typeof o === 'object' && o !== null && 'kind' in o);
}

export class TestCluster implements ClusterView {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(event: ClusterEvent) => void>();
  private clock = 0;

  list(resource: string, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(resource)?.values() ?? [])];
    return all
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .sort((a, b) =>
        `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
          `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
        ),
      );
  }

  subscribe(listener: (event: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  namespace(name: string, labels: Record<string, string> = {}): this {
    this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    return this;
  }

  /** Applies objects into `namespace`; a Deployment also gets its ReplicaSet and one pod per replica. */
  apply(objects: KubeObject[], namespace: string): this {
    for (const object of objects) {
      const copy = structuredClone(object);
      copy.metadata.namespace = namespace;
      this.put(copy);
      if (copy.kind === 'Deployment') this.podsFor(copy);
    }
    return this;
  }

  remove(kind: string, namespace: string, name: string): void {
    const resource = RESOURCE_BY_KIND[kind] ?? kind;
    const object = this.objects.get(resource)?.get(`${namespace}/${name}`);
    if (!object) return;
    this.objects.get(resource)?.delete(`${namespace}/${name}`);
    for (const listener of this.listeners) listener({ type: 'DELETED', resource, object });
  }

  private put(object: KubeObject): void {
    const resource = RESOURCE_BY_KIND[object.kind] ?? object.kind.toLowerCase();
    const byName = this.objects.get(resource) ?? new Map<string, KubeObject>();
    this.objects.set(resource, byName);
    const id = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const existed = byName.has(id);
    this.clock++;
    object.metadata.creationTimestamp ??= new Date(Date.UTC(2026, 0, 1, 0, 0, this.clock)).toISOString();
    byName.set(id, object);
    for (const listener of this.listeners)
      listener({ type: existed ? 'MODIFIED' : 'ADDED', resource, object });
  }

  private podsFor(deployment: KubeObject): void {
    const namespace = deployment.metadata.namespace ?? 'default';
    const nsLabels = this.objects.get('namespaces')?.get(`/${namespace}`)?.metadata.labels ?? {};
    const spec = deployment.spec ?? {};
    const template = (spec.template ?? {}) as {
      metadata?: { labels?: Record<string, string> };
      spec?: Record<string, unknown>;
    };
    const hash = 'abc123';
    const rsName = `${deployment.metadata.name}-${hash}`;
    this.put({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: deployment.metadata.name,
            uid: 'u',
            controller: true,
          },
        ],
      },
    });
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const inject = nsLabels['istio-injection'] === 'enabled';
    const podSpec = structuredClone(template.spec ?? {});
    const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
    if (inject) containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' });
    podSpec.containers = containers;
    for (let i = 0; i < replicas; i++) {
      const labels: Record<string, string> = {
        ...(template.metadata?.labels ?? {}),
        'pod-template-hash': hash,
      };
      if (inject) labels['security.istio.io/tlsMode'] = 'istio';
      this.put({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${rsName}-p${i}xyz`,
          namespace,
          labels,
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: 'u', controller: true },
          ],
        },
        spec: { ...podSpec, nodeName: 'sim-node-1' },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
  }
}

/** The bookinfo scenario as the shared contract describes it. */
export function bookinfoCluster(): TestCluster {
  const cluster = new TestCluster()
    .namespace('istio-system')
    .namespace('bookinfo', { 'istio-injection': 'enabled' })
    .namespace('curl');
  cluster.apply(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: 'istio-ingressgateway',
          labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
        },
        spec: {
          selector: { matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
          template: {
            metadata: { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
            spec: {
              serviceAccountName: 'istio-ingressgateway-service-account',
              containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' }],
            },
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'istio-ingressgateway' },
        spec: {
          selector: { istio: 'ingressgateway' },
          ports: [{ name: 'http2', port: 80, targetPort: 8080 }],
        },
      },
    ],
    'istio-system',
  );
  cluster.apply(loadFixture('bookinfo/platform/bookinfo.yaml'), 'bookinfo');
  cluster.apply(loadFixture('bookinfo/networking/destination-rule-all.yaml'), 'bookinfo');
  cluster.apply(loadFixture('bookinfo/networking/virtual-service-reviews-80-20.yaml'), 'bookinfo');
  cluster.apply(loadFixture('bookinfo/networking/bookinfo-gateway.yaml'), 'bookinfo');
  cluster.apply(loadFixture('curl/curl.yaml'), 'curl');
  return cluster;
}
