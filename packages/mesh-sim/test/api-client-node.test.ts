/**
 * @kubernetes/client-node 1.4.0 against mesh-sim: CRUD, patch content types, conflicts,
 * access reviews, 403 bodies, and informers that relist after a 410 (watch cache compaction).
 */
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMeshSim } from '../src/sim';
import type { MeshSim } from '../src/sim';
import { waitFor } from './helpers/waitFor';

let sim: MeshSim;
let admin: KubeConfig;
let viewer: KubeConfig;
const NS = 'client-node';
const VS = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices' };

function virtualService(name: string, hosts: string[] = [name]): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: NS },
    spec: { hosts },
  };
}

/** client-node throws ApiException whose body is the Status as a JSON string. */
async function statusOf(p: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) {
      const body =
        typeof err.body === 'string'
          ? (JSON.parse(err.body) as Record<string, unknown>)
          : (err.body as Record<string, unknown>);
      return { code: err.code, status: body };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sim = await startMeshSim({ scenario: 'bookinfo', traffic: false, log: () => undefined });
  admin = new KubeConfig();
  admin.loadFromFile(sim.kubeconfig);
  viewer = new KubeConfig();
  viewer.loadFromFile(sim.kubeconfig);
  viewer.setCurrentContext('mesh-sim-viewer');
  await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
});

afterAll(async () => {
  await sim?.stop();
});

describe('client-node 1.4.0', () => {
  it('lists, gets and creates', async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const pods = await core.listNamespacedPod({ namespace: 'bookinfo' });
    expect(pods.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(pods.items.map((p) => p.metadata?.labels?.app).sort()).toEqual([
      'details',
      'productpage',
      'ratings',
      'reviews',
      'reviews',
      'reviews',
    ]);
    const svc = await core.readNamespacedService({ namespace: 'bookinfo', name: 'reviews' });
    expect(svc.spec?.ports?.[0]?.port).toBe(9080);

    const custom = admin.makeApiClient(CustomObjectsApi);
    const created = (await custom.createNamespacedCustomObject({
      ...VS,
      namespace: NS,
      body: virtualService('created'),
    })) as KubernetesObject;
    expect(created.metadata?.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.metadata?.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = await statusOf(
      custom.createNamespacedCustomObject({ ...VS, namespace: NS, body: virtualService('created') }),
    );
    expect(again.code).toBe(409);
    expect(again.status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'virtualservices.networking.istio.io "created" already exists',
    });
    const missing = await statusOf(custom.getNamespacedCustomObject({ ...VS, namespace: NS, name: 'nope' }));
    expect(missing).toMatchObject({
      code: 404,
      status: {
        reason: 'NotFound',
        details: { name: 'nope', group: 'networking.istio.io', kind: 'virtualservices' },
      },
    });
  });

  it('patches: json-patch by default, merge patch through setHeaderOptions, server-side apply', async () => {
    const custom = admin.makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ ...VS, namespace: NS, body: virtualService('patched') });
    const jp = (await custom.patchNamespacedCustomObject({
      ...VS,
      namespace: NS,
      name: 'patched',
      body: [{ op: 'add', path: '/spec/gateways', value: ['mesh'] }],
    })) as { spec: { gateways: string[] }; metadata: { generation: number } };
    expect(jp.spec.gateways).toEqual(['mesh']);
    expect(jp.metadata.generation).toBe(2);
    const mp = (await custom.patchNamespacedCustomObject(
      { ...VS, namespace: NS, name: 'patched', body: { spec: { hosts: ['a', 'b'] } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { spec: { hosts: string[]; gateways: string[] } };
    expect(mp.spec).toEqual({ hosts: ['a', 'b'], gateways: ['mesh'] });
    const ssa = (await custom.patchNamespacedCustomObject(
      {
        ...VS,
        namespace: NS,
        name: 'applied',
        body: virtualService('applied', ['x']),
        fieldManager: 'dashboard',
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    )) as { spec: { hosts: string[] } };
    expect(ssa.spec.hosts).toEqual(['x']);
    const smp = await statusOf(
      custom.patchNamespacedCustomObject(
        { ...VS, namespace: NS, name: 'patched', body: { spec: { hosts: ['c'] } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(smp).toMatchObject({ code: 415, status: { reason: 'UnsupportedMediaType' } });
  });

  it('answers a stale replace with 409 Conflict', async () => {
    const custom = admin.makeApiClient(CustomObjectsApi);
    const created = (await custom.createNamespacedCustomObject({
      ...VS,
      namespace: NS,
      body: virtualService('replaced'),
    })) as Record<string, unknown> & { metadata: Record<string, unknown> };
    await custom.replaceNamespacedCustomObject({
      ...VS,
      namespace: NS,
      name: 'replaced',
      body: { ...created, spec: { hosts: ['first'] } },
    });
    const stale = await statusOf(
      custom.replaceNamespacedCustomObject({
        ...VS,
        namespace: NS,
        name: 'replaced',
        body: { ...created, spec: { hosts: ['second'] } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on virtualservices.networking.istio.io "replaced": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('answers SelfSubjectAccessReviews truthfully and gives the viewer a real 403 body', async () => {
    const review = (kc: KubeConfig, verb: string) =>
      kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              namespace: NS,
              verb,
              group: 'networking.istio.io',
              resource: 'virtualservices',
            },
          },
        },
      });
    expect((await review(admin, 'patch')).status?.allowed).toBe(true);
    expect((await review(viewer, 'patch')).status?.allowed).toBe(false);
    expect((await review(viewer, 'watch')).status?.allowed).toBe(true);

    const denied = await statusOf(
      viewer
        .makeApiClient(CustomObjectsApi)
        .createNamespacedCustomObject({ ...VS, namespace: NS, body: virtualService('nope') }),
    );
    expect(denied).toEqual({
      code: 403,
      status: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'virtualservices.networking.istio.io is forbidden: User "mesh-sim-viewer" cannot create resource "virtualservices" in API group "networking.istio.io" in the namespace "client-node"',
        reason: 'Forbidden',
        details: { group: 'networking.istio.io', kind: 'virtualservices' },
        code: 403,
      },
    });
  });

  it('feeds informers add/update/delete and makes them relist after the watch cache is compacted', async () => {
    const custom = admin.makeApiClient(CustomObjectsApi);
    let lists = 0;
    const informer = makeInformer<KubernetesObject>(
      viewer,
      `/apis/networking.istio.io/v1/namespaces/${NS}/virtualservices`,
      async () => {
        lists++;
        return (await viewer
          .makeApiClient(CustomObjectsApi)
          .listNamespacedCustomObject({ ...VS, namespace: NS })) as {
          items: KubernetesObject[];
          metadata: { resourceVersion: string };
        };
      },
    );
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name ?? ''}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name ?? ''}`));
    const errors: unknown[] = [];
    informer.on('error', (err) => errors.push(err));
    await informer.start();
    try {
      expect(lists).toBe(1);
      await custom.createNamespacedCustomObject({ ...VS, namespace: NS, body: virtualService('informed') });
      await waitFor(() => seen.includes('add informed'), { message: 'add event' });
      await custom.patchNamespacedCustomObject({
        ...VS,
        namespace: NS,
        name: 'informed',
        body: [{ op: 'replace', path: '/spec/hosts', value: ['changed'] }],
      });
      await waitFor(() => seen.includes('update informed'), { message: 'update event' });
      await custom.deleteNamespacedCustomObject({ ...VS, namespace: NS, name: 'informed' });
      await waitFor(() => seen.includes('delete informed'), { message: 'delete event' });

      sim.compactWatchCache();
      await waitFor(() => lists === 2, { message: 'relist after 410' });
      await custom.createNamespacedCustomObject({
        ...VS,
        namespace: NS,
        body: virtualService('after-relist'),
      });
      await waitFor(() => seen.includes('add after-relist'), { message: 'events after the relist' });
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
