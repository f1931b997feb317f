import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster/types';
import { createClusterStore } from './bootstrap';
import { StatusError } from './status';
import { KubeStore } from './store';
import type { StoredEvent } from './store';

const VS = 'virtualservices.networking.istio.io';
const vs = (
  name: string,
  spec: Record<string, unknown> = { hosts: [name] },
  apiVersion = 'networking.istio.io/v1',
): KubeObject => ({
  apiVersion,
  kind: 'VirtualService',
  metadata: { name, namespace: 'default' },
  spec,
});

function statusOf(fn: () => unknown): StatusError['body'] {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err.body;
    throw err;
  }
  throw new Error('expected a StatusError');
}

describe('KubeStore', () => {
  const store = createClusterStore();

  it('assigns uid, second-precision timestamps, a global decimal resourceVersion and generation 1', () => {
    const before = Number(store.resourceVersion());
    const a = store.create(VS, vs('a', { hosts: ['a'] }, 'networking.istio.io/v1alpha3'));
    expect(a.apiVersion).toBe('networking.istio.io/v1'); // stored in the storage version
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(a.metadata.resourceVersion).toBe(String(before + 1));
    expect(a.metadata.generation).toBe(1);
    const cm = store.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default' },
    });
    expect(cm.metadata.resourceVersion).toBe(String(before + 2));
    expect(cm.metadata.generation).toBeUndefined();
  });

  it('bumps generation on spec changes only, keeps status, answers stale writes with Conflict', () => {
    const b = store.create(VS, vs('b'));
    const withStatus = store.updateStatus(VS, { ...b, status: { observedGeneration: 1 } });
    expect(withStatus.metadata.generation).toBe(1);
    const labelled = store.update(VS, {
      ...withStatus,
      metadata: { ...withStatus.metadata, labels: { x: 'y' } },
    });
    expect(labelled.metadata.generation).toBe(1);
    const changed = store.update(VS, { ...labelled, spec: { hosts: ['other'] }, status: { ignored: true } });
    expect(changed.metadata.generation).toBe(2);
    expect(changed.status).toEqual({ observedGeneration: 1 });
    expect(statusOf(() => store.update(VS, { ...labelled, spec: { hosts: ['late'] } }))).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on virtualservices.networking.istio.io "b": the object has been modified; please apply your changes to the latest version and try again',
    });
    const rv = store.resourceVersion();
    const same = store.update(VS, changed);
    expect(same.metadata.resourceVersion).toBe(changed.metadata.resourceVersion);
    expect(store.resourceVersion()).toBe(rv); // a no-op write is not a write
  });

  it('dry runs write nothing, emit nothing and bump nothing', () => {
    const events: unknown[] = [];
    const off = store.subscribe((e) => events.push(e));
    const rv = store.resourceVersion();
    store.create(VS, vs('dry'), { dryRun: true });
    expect(store.get(VS, 'default', 'dry')).toBeUndefined();
    expect(store.resourceVersion()).toBe(rv);
    expect(events).toEqual([]);
    off();
  });

  it('validates custom objects against the CRD schema', () => {
    expect(statusOf(() => store.create(VS, vs('bad', { hosts: 'x' })))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'VirtualService.networking.istio.io "bad" is invalid: spec.hosts: Invalid value: "string": spec.hosts in body must be of type array: "string"',
      details: {
        name: 'bad',
        group: 'networking.istio.io',
        kind: 'VirtualService',
        causes: [{ field: 'spec.hosts' }],
      },
    });
    expect(statusOf(() => store.create(VS, vs('Bad_Name')))).toMatchObject({
      code: 422,
      details: { causes: [{ field: 'metadata.name' }] },
    });
  });

  it('prunes fields the schema does not declare; strict field validation refuses them', () => {
    const warnings: string[] = [];
    const created = store.create(VS, vs('pruned', { hosts: ['a'], extra: 1 }), {
      fieldValidation: 'Warn',
      warnings,
    });
    expect(created.spec).toEqual({ hosts: ['a'] });
    expect(warnings).toEqual(['unknown field "spec.extra"']);
    expect(
      statusOf(() =>
        store.create(VS, vs('strict', { hosts: ['a'], extra: 1 }), { fieldValidation: 'Strict' }),
      ),
    ).toMatchObject({
      code: 400,
      message:
        'VirtualService in version "v1" cannot be handled as a VirtualService: strict decoding error: unknown field "spec.extra"',
    });
  });

  it('replays history after a resourceVersion and forgets it on compact()', () => {
    const from = Number(store.resourceVersion());
    store.create(VS, vs('h1'));
    store.delete(VS, 'default', 'h1');
    const events = store.eventsSince(from) ?? [];
    expect(events.map((e: StoredEvent) => `${e.type} ${e.object.metadata.name} ${e.rv}`)).toEqual([
      `ADDED h1 ${from + 1}`,
      `DELETED h1 ${from + 2}`,
    ]);
    let closed = 0;
    store.onCompact(() => closed++);
    store.compact();
    expect(closed).toBe(1);
    expect(store.eventsSince(from)).toBeUndefined();
    expect(store.eventsSince(Number(store.resourceVersion()))).toEqual([]);
  });

  it('deletes a namespace with everything in it, and refuses objects in missing namespaces', () => {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    store.create(VS, { ...vs('x'), metadata: { name: 'x', namespace: 'doomed' } });
    const deleted: string[] = [];
    const off = store.subscribe(
      (e) => e.type === 'DELETED' && deleted.push(`${e.resource}/${e.object.metadata.name}`),
    );
    store.delete('namespaces', undefined, 'doomed');
    off();
    expect(deleted).toEqual([`${VS}/x`, 'namespaces/doomed']);
    expect(
      statusOf(() => store.create(VS, { ...vs('y'), metadata: { name: 'y', namespace: 'doomed' } })),
    ).toMatchObject({
      code: 404,
      message: 'namespaces "doomed" not found',
    });
  });

  it('registers a kind when its CRD is stored', () => {
    store.create('customresourcedefinitions.apiextensions.k8s.io', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    });
    expect(store.registry.lookup('example.com', 'v1', 'widgets')?.shortNames).toEqual(['wd']);
    const w = store.create('widgets.example.com', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'default' },
    });
    expect(w.metadata.generation).toBe(1);
  });
});

describe('KubeStore snapshot and restore', () => {
  it('restores objects, CRD-served kinds and the resourceVersion counter; older watch positions are expired', () => {
    const a = createClusterStore();
    const created = a.create(VS, vs('kept'));
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<typeof a.snapshot>;
    const b = new KubeStore();
    b.restore(snap);
    expect(b.resourceVersion()).toBe(a.resourceVersion());
    expect(b.get(VS, 'default', 'kept')).toEqual(created);
    expect(b.eventsSince(Number(created.metadata.resourceVersion) - 1)).toBeUndefined();
    expect(b.eventsSince(Number(b.resourceVersion()))).toEqual([]);
    const next = b.create(VS, vs('next'));
    expect(Number(next.metadata.resourceVersion)).toBe(Number(a.resourceVersion()) + 1);
    expect(() => b.restore(snap)).toThrow(/empty store/);
  });
});
