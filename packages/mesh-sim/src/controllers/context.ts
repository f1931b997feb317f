import type { ClusterStore, GroupResource, KubeObject } from '../cluster/types';

export const DEPLOYMENTS = 'deployments.apps';
export const REPLICASETS = 'replicasets.apps';
export const PODS = 'pods';
export const SERVICES = 'services';
export const ENDPOINTS = 'endpoints';
export const NAMESPACES = 'namespaces';

export type WorkKind = 'deployment' | 'replicaset' | 'admit' | 'service';

/** What the index keeps per object: enough to choose which objects to fetch. */
export interface IndexEntry {
  /** `<Kind>/<name>` of the controller owner, if any. */
  owner?: string;
  labels: Record<string, string>;
}

/**
 * Per namespace, the names, owners and labels of the kinds the controllers scan, kept from
 * store events (and from the controllers' own writes, whose events arrive only after the
 * current one). A hint, not the truth: readers fetch each chosen object from the store and
 * skip names that are gone.
 *
 * PERFORMANCE: ClusterStore.list(resource, ns) walks every object of the resource and get()
 * copies; choosing by owner or labels first keeps each reconcile proportional to what it
 * manages, so the scale scenario (thousands of pods) loads in seconds, not minutes.
 */
export class NameIndex {
  private readonly entries = new Map<string, Map<string, IndexEntry>>();

  private bucket(resource: GroupResource, namespace: string): Map<string, IndexEntry> {
    const key = `${resource}|${namespace}`;
    let bucket = this.entries.get(key);
    if (bucket === undefined) {
      bucket = new Map();
      this.entries.set(key, bucket);
    }
    return bucket;
  }

  add(resource: GroupResource, obj: KubeObject): void {
    const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true);
    const entry: IndexEntry = { labels: { ...(obj.metadata.labels ?? {}) } };
    if (ref !== undefined) entry.owner = `${ref.kind}/${ref.name}`;
    this.bucket(resource, obj.metadata.namespace ?? '').set(obj.metadata.name, entry);
  }

  remove(resource: GroupResource, obj: KubeObject): void {
    this.bucket(resource, obj.metadata.namespace ?? '').delete(obj.metadata.name);
  }

  /** Current objects (fresh copies from the store) whose index entry passes `filter`. */
  objects(
    store: Reader,
    resource: GroupResource,
    namespace: string,
    filter: (entry: IndexEntry) => boolean,
  ): KubeObject[] {
    const bucket = this.bucket(resource, namespace);
    const out: KubeObject[] = [];
    for (const [name, entry] of [...bucket]) {
      if (!filter(entry)) continue;
      const obj = store.read(resource, namespace, name);
      if (obj === undefined) bucket.delete(name);
      else out.push(obj);
    }
    return out;
  }

  /** Objects controlled by `<kind>/<name>`. */
  ownedBy(
    store: Reader,
    resource: GroupResource,
    namespace: string,
    kind: string,
    name: string,
  ): KubeObject[] {
    const owner = `${kind}/${name}`;
    return this.objects(store, resource, namespace, (e) => e.owner === owner);
  }
}

/** Read-only access: objects must not be mutated (they may be the store's frozen originals). */
export interface Reader {
  read(resource: GroupResource, namespace: string | undefined, name: string): KubeObject | undefined;
}

export interface ControllerContext extends Reader {
  store: ClusterStore;
  index: NameIndex;
  enqueue(kind: WorkKind, namespace: string, name: string): void;
  /** A pod IP no live pod holds (used only when the API server did not assign one). */
  allocatePodIp(): string;
  /** Records a controller failure without breaking the write that triggered it. */
  warn(message: string): void;
}
