import type { ClusterStore, GroupResource, KubeObject } from '../cluster/types';

export const DEPLOYMENTS = 'deployments.apps';
export const REPLICASETS = 'replicasets.apps';
export const PODS = 'pods';
export const SERVICES = 'services';
export const ENDPOINTS = 'endpoints';
export const NAMESPACES = 'namespaces';

export type WorkKind = 'deployment' | 'replicaset' | 'pod' | 'admit' | 'service';

/**
 * Names per namespace of the kinds the controllers scan, kept from store events (and from the
 * controllers' own writes, whose events arrive only after the current one). A hint, not the
 * truth: readers fetch each object from the store and skip names that are gone.
 *
 * PERFORMANCE: ClusterStore.list(resource, ns) walks every object of the resource; at the
 * scale scenario's 10,000 objects, per-event listing would make each write O(cluster).
 */
export class NameIndex {
  private readonly names = new Map<string, Set<string>>();

  private set(resource: GroupResource, namespace: string): Set<string> {
    const key = `${resource}|${namespace}`;
    let set = this.names.get(key);
    if (set === undefined) {
      set = new Set();
      this.names.set(key, set);
    }
    return set;
  }

  add(resource: GroupResource, obj: KubeObject): void {
    this.set(resource, obj.metadata.namespace ?? '').add(obj.metadata.name);
  }

  remove(resource: GroupResource, obj: KubeObject): void {
    this.set(resource, obj.metadata.namespace ?? '').delete(obj.metadata.name);
  }

  /** Current objects of a resource in a namespace (fresh copies from the store). */
  objects(store: ClusterStore, resource: GroupResource, namespace: string): KubeObject[] {
    const set = this.set(resource, namespace);
    const out: KubeObject[] = [];
    for (const name of [...set]) {
      const obj = store.get(resource, namespace, name);
      if (obj === undefined) set.delete(name);
      else out.push(obj);
    }
    return out;
  }
}

export interface ControllerContext {
  store: ClusterStore;
  index: NameIndex;
  enqueue(kind: WorkKind, namespace: string, name: string): void;
  /** A pod IP no live pod holds (used only when the API server did not assign one). */
  allocatePodIp(): string;
  /** Records a controller failure without breaking the write that triggered it. */
  warn(message: string): void;
}
