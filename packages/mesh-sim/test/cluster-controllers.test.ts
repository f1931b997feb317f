/**
 * The controllers and scenarios on the API server's real store, in process: what a cluster
 * does after a write (ReplicaSets, pods, sidecars, Endpoints), checked right after the write
 * returns, since the controllers react synchronously.
 */
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/cluster/types';
import { startControllers } from '../src/controllers';
import { createClusterStore } from '../src/kube/bootstrap';
import type { KubeStore } from '../src/kube/store';
import { CALLS_ANNOTATION, RPS_ANNOTATION, loadScenario } from '../src/scenarios';

let store: KubeStore;
let stop: () => void;

beforeEach(() => {
  store = createClusterStore();
  stop = startControllers(store);
});
afterEach(() => stop());

interface Container {
  name: string;
}
const containers = (pod: KubeObject): string[] =>
  ((pod.spec?.containers ?? []) as Container[]).map((c) => c.name);
const podsOf = (ns: string, app: string): KubeObject[] =>
  store.list('pods', ns).filter((p) => p.metadata.labels?.app === app);
const addresses = (ns: string, name: string): string[] => {
  const subsets = (store.get('endpoints', ns, name)?.subsets ?? []) as { addresses?: { ip: string }[] }[];
  return subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
};
const ipsOf = (pods: KubeObject[]): string[] => pods.map((p) => String(p.status?.podIP)).sort();

function deployment(ns: string, name: string, replicas: number, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: 'web',
          containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080 }] }],
        },
      },
    },
  };
}

function patchDeployment(ns: string, name: string, change: (spec: Record<string, unknown>) => void): void {
  const current = store.get('deployments.apps', ns, name);
  if (current === undefined) throw new Error(`no deployment ${ns}/${name}`);
  const spec = structuredClone(current.spec ?? {});
  change(spec);
  store.update('deployments.apps', { ...current, spec });
}

function restart(ns: string, name: string, at: string): void {
  patchDeployment(ns, name, (spec) => {
    const template = spec.template as { metadata: { annotations?: Record<string, string> } };
    template.metadata.annotations = {
      ...(template.metadata.annotations ?? {}),
      'kubectl.kubernetes.io/restartedAt': at,
    };
  });
}

describe('bookinfo scenario', () => {
  beforeEach(() => loadScenario(store, { scenario: 'bookinfo' }));

  it('runs the bookinfo pods with sidecars and curl without', () => {
    const bookinfo = store.list('pods', 'bookinfo');
    expect(bookinfo.map((p) => p.metadata.labels?.app).sort()).toEqual([
      'details',
      'productpage',
      'ratings',
      'reviews',
      'reviews',
      'reviews',
    ]);
    for (const pod of bookinfo) {
      expect(containers(pod)).toContain('istio-proxy');
      expect(pod.metadata.labels?.['security.istio.io/tlsMode']).toBe('istio');
      expect(pod.status).toMatchObject({ phase: 'Running' });
    }
    const [curl] = store.list('pods', 'curl');
    expect(curl && containers(curl)).toEqual(['curl']);
    expect(curl?.spec?.serviceAccountName).toBe('curl');
  });

  it('gives every pod a unique 10.244 IP and every Service its pod IPs as Endpoints', () => {
    const all = store.list('pods');
    const ips = all.map((p) => String(p.status?.podIP));
    expect(new Set(ips).size).toBe(ips.length);
    for (const ip of ips) expect(ip).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(addresses('bookinfo', 'reviews')).toEqual(ipsOf(podsOf('bookinfo', 'reviews')));
    const ports = (
      store.get('endpoints', 'istio-system', 'tracing')?.subsets as { ports: { port: number }[] }[]
    )[0]?.ports;
    expect(ports?.map((p) => p.port)).toContain(16686);
  });

  it('labels istio-system workloads as the addon manifests do', () => {
    const label = (selector: Record<string, string>) =>
      store
        .list('pods', 'istio-system')
        .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
    expect(label({ app: 'kiali' })).toHaveLength(1);
    expect(label({ 'app.kubernetes.io/name': 'prometheus' })).toHaveLength(1);
    expect(label({ 'app.kubernetes.io/name': 'grafana' })).toHaveLength(1);
    expect(label({ app: 'jaeger' })).toHaveLength(1);
    expect(label({ istio: 'ingressgateway' })).toHaveLength(1);
    expect(label({ app: 'istiod' })).toHaveLength(1);
    expect(store.get('gateways.networking.istio.io', 'bookinfo', 'bookinfo-gateway')).toBeDefined();
    expect(store.get('virtualservices.networking.istio.io', 'bookinfo', 'reviews')).toBeDefined();
    expect(store.list('destinationrules.networking.istio.io', 'bookinfo')).toHaveLength(4);
  });

  it('reports a finished rollout in the Deployment status', () => {
    const dep = store.get('deployments.apps', 'bookinfo', 'reviews-v1');
    expect(dep?.status).toMatchObject({
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
    });
    const progressing = (dep?.status?.conditions as { type: string; reason: string }[]).find(
      (c) => c.type === 'Progressing',
    );
    expect(progressing?.reason).toBe('NewReplicaSetAvailable');
  });

  it('injects a namespace labelled later only into pods made after a restart', () => {
    const ns = store.get('namespaces', undefined, 'curl');
    if (ns === undefined) throw new Error('no curl namespace');
    store.update('namespaces', {
      ...ns,
      metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, 'istio-injection': 'enabled' } },
    });
    const [before] = podsOf('curl', 'curl');
    expect(before && containers(before)).toEqual(['curl']);

    restart('curl', 'curl', '2026-11-22T02:00:00Z');
    const after = podsOf('curl', 'curl');
    expect(after).toHaveLength(1);
    expect(after[0]?.metadata.name).not.toBe(before?.metadata.name);
    expect(after[0] && containers(after[0])).toEqual(['curl', 'istio-proxy']);
    expect(addresses('curl', 'curl')).toEqual(ipsOf(after));
  });
});

describe('Deployment controller', () => {
  beforeEach(() => {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    store.create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    store.create('deployments.apps', deployment('shop', 'web-v1', 2, { app: 'web', version: 'v1' }));
  });

  it('creates a ReplicaSet named by the template hash and its pods', () => {
    const [rs] = store.list('replicasets.apps', 'shop');
    const hash = rs?.metadata.labels?.['pod-template-hash'];
    expect(rs?.metadata.name).toBe(`web-v1-${hash}`);
    expect(rs?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web-v1',
      controller: true,
    });
    const pods = podsOf('shop', 'web');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-v1-${hash}-[a-z0-9]{5}$`));
      expect(pod.metadata.labels).toEqual({ app: 'web', version: 'v1', 'pod-template-hash': hash });
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        name: rs?.metadata.name,
      });
      expect(pod.spec?.serviceAccountName).toBe('web');
      expect(containers(pod)).toEqual(['web']);
      expect(pod.status).toMatchObject({ phase: 'Running', hostIP: expect.any(String) });
      expect(pod.status?.containerStatuses).toEqual([expect.objectContaining({ name: 'web', ready: true })]);
    }
    // The named target port resolves to the container port.
    const subsets = store.get('endpoints', 'shop', 'web')?.subsets as { ports: { port: number }[] }[];
    expect(subsets[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(addresses('shop', 'web')).toEqual(ipsOf(pods));
  });

  it('scales pods and Endpoints with replicas', () => {
    patchDeployment('shop', 'web-v1', (spec) => (spec.replicas = 4));
    expect(podsOf('shop', 'web')).toHaveLength(4);
    expect(addresses('shop', 'web')).toEqual(ipsOf(podsOf('shop', 'web')));
    patchDeployment('shop', 'web-v1', (spec) => (spec.replicas = 1));
    expect(podsOf('shop', 'web')).toHaveLength(1);
    expect(addresses('shop', 'web')).toEqual(ipsOf(podsOf('shop', 'web')));
    expect(store.list('replicasets.apps', 'shop')).toHaveLength(1);
  });

  it('replaces a deleted pod and updates the Endpoints', () => {
    const [victim] = podsOf('shop', 'web');
    store.delete('pods', 'shop', victim?.metadata.name ?? '');
    const pods = podsOf('shop', 'web');
    expect(pods).toHaveLength(2);
    expect(pods.map((p) => p.metadata.name)).not.toContain(victim?.metadata.name);
    expect(addresses('shop', 'web')).toEqual(ipsOf(pods));
  });

  it('rolls out a restart: new ReplicaSet and pods, the old one scaled to 0', () => {
    const oldPods = podsOf('shop', 'web').map((p) => p.metadata.name);
    restart('shop', 'web-v1', '2026-11-22T02:00:00Z');
    const sets = store.list('replicasets.apps', 'shop');
    expect(sets).toHaveLength(2);
    const old = sets.find((rs) => rs.spec?.replicas === 0);
    const current = sets.find((rs) => rs.spec?.replicas === 2);
    expect(old).toBeDefined();
    expect(current).toBeDefined();
    expect(current?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const pods = podsOf('shop', 'web');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(oldPods).not.toContain(pod.metadata.name);
      expect(pod.metadata.ownerReferences?.[0]?.name).toBe(current?.metadata.name);
      expect(pod.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe('2026-11-22T02:00:00Z');
    }
    expect(store.get('deployments.apps', 'shop', 'web-v1')?.status).toMatchObject({
      observedGeneration: 2,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
    expect(addresses('shop', 'web')).toEqual(ipsOf(pods));
  });

  it('deletes ReplicaSets, pods and then empties the Endpoints with the Deployment', () => {
    store.delete('deployments.apps', 'shop', 'web-v1');
    expect(store.list('replicasets.apps', 'shop')).toEqual([]);
    expect(store.list('pods', 'shop')).toEqual([]);
    expect(store.get('endpoints', 'shop', 'web')?.subsets).toBeUndefined();
    store.delete('services', 'shop', 'web');
    expect(store.get('endpoints', 'shop', 'web')).toBeUndefined();
  });

  it('injects and runs a bare pod created in an injected namespace; the annotation opts out', () => {
    const ns = store.get('namespaces', undefined, 'shop');
    if (ns === undefined) throw new Error('no namespace');
    store.update('namespaces', {
      ...ns,
      metadata: { ...ns.metadata, labels: { 'istio-injection': 'enabled' } },
    });
    const bare = (name: string, annotations: Record<string, string> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'shop', labels: { app: 'debug' }, annotations },
      spec: { containers: [{ name: 'sh', image: 'busybox' }] },
    });
    store.create('pods', bare('debug'));
    store.create('pods', bare('plain', { 'sidecar.istio.io/inject': 'false' }));
    const debug = store.get('pods', 'shop', 'debug');
    expect(debug && containers(debug)).toEqual(['sh', 'istio-proxy']);
    expect(debug?.status?.containerStatuses).toHaveLength(2);
    const plain = store.get('pods', 'shop', 'plain');
    expect(plain && containers(plain)).toEqual(['sh']);
  });
});

describe('namespace deletion', () => {
  it('leaves nothing behind, whatever order the store deletes in', () => {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
    // A pod created first makes the store delete pods before their ReplicaSets, which would
    // otherwise replace them in a namespace that is going away.
    store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'first', namespace: 'gone' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    store.create('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'gone' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    store.create('deployments.apps', deployment('gone', 'web-v1', 2, { app: 'web' }));
    expect(store.list('pods', 'gone')).toHaveLength(3);

    store.delete('namespaces', undefined, 'gone');
    for (const resource of ['pods', 'replicasets.apps', 'deployments.apps', 'services', 'endpoints']) {
      expect(store.list(resource, 'gone'), resource).toEqual([]);
    }
  });
});

describe('scale scenario', () => {
  it('generates namespaces, services and annotated deployments with running pods', () => {
    loadScenario(store, { scenario: 'scale', namespaces: 4, services: 9 });
    const namespaces = store.list('namespaces').filter((n) => n.metadata.name.startsWith('scale-'));
    expect(namespaces.map((n) => n.metadata.name)).toEqual(['scale-0', 'scale-1', 'scale-2', 'scale-3']);
    expect(namespaces.filter((n) => n.metadata.labels?.['istio-injection'] === 'enabled')).toHaveLength(3);

    // 9 services, every third with a v2, and scale-0's database.
    const deployments = store.list('deployments.apps', 'scale-0');
    expect(deployments).toHaveLength(9 + 3 + 1);
    expect(deployments.map((d) => d.metadata.name)).toContain('mysql-v1');
    expect(deployments.map((d) => d.metadata.name)).toContain('svc-3-v2');
    for (const d of deployments) expect(d.metadata.annotations?.[CALLS_ANNOTATION]).toBeTypeOf('string');
    expect(
      deployments
        .filter((d) => d.metadata.annotations?.[RPS_ANNOTATION] !== undefined)
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['svc-0-v1', 'svc-0-v2']);

    // Databases in scale-0 and scale-2.
    expect(store.list('pods').filter((p) => p.metadata.namespace?.startsWith('scale-'))).toHaveLength(
      4 * 12 + 2,
    );
    const outside = store.list('pods', 'scale-3');
    expect(outside.every((p) => !containers(p).includes('istio-proxy'))).toBe(true);
    expect(store.list('pods', 'scale-0').every((p) => containers(p).includes('istio-proxy'))).toBe(true);
    expect(addresses('scale-1', 'svc-3')).toHaveLength(2);
  });
});
