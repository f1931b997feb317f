/**
 * The object store behind the simulated API: one map per resource, objects kept in the storage
 * version, a single global resourceVersion, apiserver metadata rules, and an event history so
 * watches can resume (and be told 410 Expired once it is compacted away).
 */
import { randomUUID } from 'node:crypto';
import type { ClusterEvent, ClusterStore, GroupResource, KubeObject } from '../cluster/types';
import { asRecord, clone, deepEqual, deepFreeze, isRecord } from './objects';
import { Registry } from './registry';
import type { ResourceInfo } from './registry';
import { StatusError, alreadyExists, badRequest, conflict, invalid, notFound, pathNotFound } from './status';
import { SchemaValidator } from './validation';

export interface WriteOptions {
  /** Validate and compute the result, but persist nothing, emit nothing, bump nothing. */
  dryRun?: boolean;
  /**
   * What to do about fields a custom resource's schema does not declare (they are always
   * pruned): `Strict` fails with 400, `Warn` adds to `warnings`, `Ignore` (default) says nothing.
   */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Receives warning texts (`unknown field "spec.foo"`), sent as HTTP Warning headers. */
  warnings?: string[];
}

/** A committed change with its resourceVersion (and, for MODIFIED, the state before). */
export interface StoredEvent extends ClusterEvent {
  rv: number;
  previous?: KubeObject;
}

/** Everything a restarted API server needs to carry on where the last one stopped. */
export interface StoreSnapshot {
  /** The global resourceVersion counter. */
  resourceVersion: number;
  /** Objects in storage versions, CustomResourceDefinitions first. */
  objects: { resource: GroupResource; object: KubeObject }[];
  allocators: { nextServiceIp: number; nextPodIp: number; nextNodePort: number };
}

export interface StoreOptions {
  /**
   * How many events are kept for watch resume before the oldest are dropped (default 25,000;
   * each holds the object version it carried, so this bounds memory under constant churn).
   */
  historyLimit?: number;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 3339, second precision, as Kubernetes writes timestamps. */
export function kubeTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function randomSuffix(n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

function withoutVolatile(obj: KubeObject): unknown {
  const meta = { ...obj.metadata };
  delete meta.resourceVersion;
  delete meta.managedFields;
  return { ...obj, metadata: meta };
}

function specOf(obj: KubeObject): unknown {
  const rest: Record<string, unknown> = { ...obj };
  delete rest.metadata;
  delete rest.status;
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}

/** The objects of one resource, indexed by namespace then name. */
class ObjectTable {
  private readonly byNamespace = new Map<string, Map<string, KubeObject>>();

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace ?? '')?.get(name);
  }

  set(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? '';
    let m = this.byNamespace.get(ns);
    if (!m) {
      m = new Map();
      this.byNamespace.set(ns, m);
    }
    m.set(obj.metadata.name, obj);
  }

  delete(namespace: string | undefined, name: string): void {
    this.byNamespace.get(namespace ?? '')?.delete(name);
  }

  /** Sorted by namespace, then name. */
  list(namespace?: string): KubeObject[] {
    const byName = (a: KubeObject, b: KubeObject): number =>
      a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])].sort(byName);
    const out: KubeObject[] = [];
    for (const ns of [...this.byNamespace.keys()].sort()) {
      out.push(...[...(this.byNamespace.get(ns)?.values() ?? [])].sort(byName));
    }
    return out;
  }
}

export class KubeStore implements ClusterStore {
  readonly registry: Registry;
  readonly validator = new SchemaValidator();
  private rv = 0;
  private readonly objects = new Map<GroupResource, ObjectTable>();
  private history: StoredEvent[] = [];
  /** Events with a resourceVersion at or below this may be missing from `history`. */
  private compactedRv = 0;
  private readonly historyLimit: number;
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private readonly compactListeners = new Set<() => void>();
  private readonly pending: StoredEvent[] = [];
  private dispatching = false;
  private nextServiceIp = 10;
  private nextPodIp = 10;
  private nextNodePort = 30000;

  constructor(registry = new Registry(), options: StoreOptions = {}) {
    this.registry = registry;
    this.historyLimit = options.historyLimit ?? 25_000;
  }

  /** The current global resourceVersion, as the decimal string lists carry. */
  resourceVersion(): string {
    return String(this.rv);
  }

  private info(resource: GroupResource): ResourceInfo {
    const info = this.registry.get(resource);
    if (!info) throw pathNotFound();
    return info;
  }

  private bucket(resource: GroupResource): ObjectTable {
    let b = this.objects.get(resource);
    if (!b) {
      b = new ObjectTable();
      this.objects.set(resource, b);
    }
    return b;
  }

  get(resource: GroupResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const info = this.registry.get(resource);
    if (!info) return undefined;
    const obj = this.objects.get(resource)?.get(info.namespaced ? namespace : undefined, name);
    return obj ? clone(obj) : undefined;
  }

  /** The stored (frozen, shared) object: cheaper than get() for read-only callers. */
  peek(resource: GroupResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const info = this.registry.get(resource);
    if (!info) return undefined;
    return this.objects.get(resource)?.get(info.namespaced ? namespace : undefined, name);
  }

  /** Objects sorted by namespace then name. They are frozen and shared: do not mutate. */
  list(resource: GroupResource, namespace?: string): KubeObject[] {
    return this.objects.get(resource)?.list(namespace) ?? [];
  }

  subscribe(listener: (event: ClusterEvent) => void): () => void {
    const l = listener as (event: StoredEvent) => void;
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Like subscribe, with the resourceVersion and previous state of each event. */
  subscribeStored(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after compact(): open watches must end so clients relist. */
  onCompact(listener: () => void): () => void {
    this.compactListeners.add(listener);
    return () => this.compactListeners.delete(listener);
  }

  /**
   * Events after `rv`, oldest first, or `undefined` when some of them were compacted away
   * (the caller answers 410 Expired).
   */
  eventsSince(rv: number): StoredEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** The oldest resourceVersion a watch can still resume from. */
  oldestResumableVersion(): number {
    return this.compactedRv;
  }

  /** The state to persist: objects, the resourceVersion counter and the address allocators. */
  snapshot(): StoreSnapshot {
    const crds = 'customresourcedefinitions.apiextensions.k8s.io';
    const objects: StoreSnapshot['objects'] = [];
    for (const object of this.list(crds)) objects.push({ resource: crds, object });
    for (const [resource, table] of this.objects) {
      if (resource === crds) continue;
      for (const object of table.list()) objects.push({ resource, object });
    }
    return {
      resourceVersion: this.rv,
      objects,
      allocators: {
        nextServiceIp: this.nextServiceIp,
        nextPodIp: this.nextPodIp,
        nextNodePort: this.nextNodePort,
      },
    };
  }

  /**
   * Loads a snapshot into an empty store, objects exactly as saved (uid, resourceVersion,
   * timestamps). Like a restarted kube-apiserver whose watch cache is empty, no history
   * survives: a watch from an older resourceVersion gets 410 Expired.
   */
  restore(snapshot: StoreSnapshot): void {
    if (this.objects.size > 0 || this.rv > 0) throw new Error('restore() needs an empty store');
    for (const { resource, object } of snapshot.objects) {
      const info = this.registry.get(resource);
      if (!info) throw new Error(`state holds ${resource}, which this server does not serve`);
      const obj = clone(object);
      deepFreeze(obj);
      this.bucket(resource).set(obj);
      if (resource === 'customresourcedefinitions.apiextensions.k8s.io') this.crdChanged(obj);
    }
    this.rv = snapshot.resourceVersion;
    this.compactedRv = snapshot.resourceVersion;
    this.nextServiceIp = snapshot.allocators.nextServiceIp;
    this.nextPodIp = snapshot.allocators.nextPodIp;
    this.nextNodePort = snapshot.allocators.nextNodePort;
  }

  /** Drops all history (like etcd compaction) and tells open watches to end with 410. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
    for (const l of [...this.compactListeners]) l();
  }

  private commit(event: Omit<StoredEvent, 'rv'>, rv: number): void {
    const stored: StoredEvent = { ...event, rv };
    this.history.push(stored);
    if (this.history.length > this.historyLimit) {
      const drop = this.history.length - this.historyLimit;
      this.compactedRv = this.history[drop - 1]?.rv ?? this.compactedRv;
      this.history.splice(0, drop);
    }
    this.pending.push(stored);
    if (this.dispatching) return; // a listener wrote: its event goes out after the current one
    this.dispatching = true;
    try {
      for (let i = 0; i < this.pending.length; i++) {
        const e = this.pending[i];
        if (!e) continue;
        for (const l of [...this.listeners]) {
          try {
            l(e);
          } catch (err) {
            process.stderr.write(`mesh-sim: store listener failed: ${String(err)}\n`);
          }
        }
      }
    } finally {
      this.pending.length = 0;
      this.dispatching = false;
    }
  }

  /** Checks apiVersion/kind against the resource and rewrites apiVersion to the storage version. */
  private normalize(info: ResourceInfo, input: KubeObject): { obj: KubeObject; version: string } {
    if (!isRecord(input) || !isRecord(input.metadata)) throw badRequest('Object has no metadata');
    const obj = clone(input);
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    const slash = apiVersion.indexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    let version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    if (apiVersion && (group !== info.group || !info.versions.includes(version))) {
      throw badRequest(
        `the API version in the data (${apiVersion}) does not match the expected API version (${info.group ? `${info.group}/` : ''}${info.storageVersion})`,
      );
    }
    if (!version) version = info.storageVersion;
    if (obj.kind && obj.kind !== info.kind) {
      throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${info.kind})`);
    }
    obj.apiVersion = info.group ? `${info.group}/${info.storageVersion}` : info.storageVersion;
    obj.kind = info.kind;
    if (info.namespaced) {
      if (!obj.metadata.namespace) obj.metadata.namespace = 'default';
    } else delete obj.metadata.namespace;
    return { obj, version };
  }

  private validateMeta(info: ResourceInfo, obj: KubeObject): void {
    const name = obj.metadata.name;
    const pattern = info.resource === 'namespaces' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
    if (typeof name !== 'string' || name === '') {
      throw invalid(info.kind, info.group, '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: name or generateName is required',
          field: 'metadata.name',
        },
      ]);
    }
    if (info.group === 'rbac.authorization.k8s.io') {
      // RBAC names are path segments (`system:basic-user`), not DNS names.
      const bad =
        name === '.' || name === '..'
          ? `may not be '${name}'`
          : name.includes('/')
            ? "may not contain '/'"
            : name.includes('%')
              ? "may not contain '%'"
              : undefined;
      if (bad) {
        throw invalid(info.kind, info.group, name, [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${name}": ${bad}`,
            field: 'metadata.name',
          },
        ]);
      }
      return;
    }
    if (name.length > 253 || !pattern.test(name)) {
      const what =
        info.resource === 'namespaces' ? 'a lowercase RFC 1123 label' : 'a lowercase RFC 1123 subdomain';
      throw invalid(info.kind, info.group, name, [
        {
          reason: 'FieldValueInvalid',
          message: `Invalid value: "${name}": ${what} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
          field: 'metadata.name',
        },
      ]);
    }
  }

  create(resource: GroupResource, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const info = this.info(resource);
    const { obj, version } = this.normalize(info, input);
    const meta = obj.metadata;
    if (!meta.name && typeof meta.generateName === 'string')
      meta.name = `${meta.generateName}${randomSuffix(5)}`;
    this.validateMeta(info, obj);
    if (info.namespaced && meta.namespace && !this.peek('namespaces', undefined, meta.namespace)) {
      throw notFound('namespaces', meta.namespace);
    }
    if (this.bucket(resource).get(meta.namespace, meta.name)) throw alreadyExists(resource, meta.name);
    this.pruneUnknown(info, version, obj, options);
    this.validator.validate(info, version, obj);
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTimestamp();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.managedFields;
    if (info.hasGeneration) meta.generation = 1;
    else delete meta.generation;
    this.applyDefaults(info, obj, undefined);
    if (options.dryRun) return obj;
    const rv = ++this.rv;
    meta.resourceVersion = String(rv);
    deepFreeze(obj);
    this.bucket(resource).set(obj);
    if (resource === 'customresourcedefinitions.apiextensions.k8s.io') this.crdChanged(obj);
    this.commit({ type: 'ADDED', resource, object: obj }, rv);
    return clone(obj);
  }

  update(resource: GroupResource, input: KubeObject, options: WriteOptions = {}): KubeObject {
    return this.write(resource, input, options, false);
  }

  updateStatus(resource: GroupResource, input: KubeObject, options: WriteOptions = {}): KubeObject {
    return this.write(resource, input, options, true);
  }

  private write(
    resource: GroupResource,
    input: KubeObject,
    options: WriteOptions,
    statusOnly: boolean,
  ): KubeObject {
    const info = this.info(resource);
    const { obj: incoming, version } = this.normalize(info, input);
    const existing = this.bucket(resource).get(incoming.metadata.namespace, incoming.metadata.name);
    if (!existing) throw notFound(resource, incoming.metadata.name);
    const requested = incoming.metadata.resourceVersion;
    if (requested !== undefined && requested !== '' && requested !== existing.metadata.resourceVersion) {
      throw conflict(resource, incoming.metadata.name);
    }
    let next: KubeObject;
    if (statusOnly) {
      next = clone(existing);
      if (incoming.status === undefined) delete next.status;
      else next.status = incoming.status;
    } else {
      next = incoming;
      const hasStatusSub = info.subresources.some((s) => s.name === 'status');
      if (hasStatusSub) {
        if (existing.status === undefined) delete next.status;
        else next.status = clone(existing.status);
      }
      const m = next.metadata;
      m.uid = existing.metadata.uid;
      m.creationTimestamp = existing.metadata.creationTimestamp;
      delete m.managedFields;
      if (info.hasGeneration) {
        const gen = existing.metadata.generation ?? 1;
        m.generation = deepEqual(specOf(existing), specOf(next)) ? gen : gen + 1;
      } else delete m.generation;
      this.applyDefaults(info, next, existing);
      this.validateMeta(info, next);
      this.pruneUnknown(info, version, next, options);
      this.validator.validate(info, version, next);
    }
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (deepEqual(withoutVolatile(next), withoutVolatile(existing))) return clone(existing);
    if (options.dryRun) return next;
    const rv = ++this.rv;
    next.metadata.resourceVersion = String(rv);
    deepFreeze(next);
    this.bucket(resource).set(next);
    if (resource === 'customresourcedefinitions.apiextensions.k8s.io') this.crdChanged(next);
    this.commit({ type: 'MODIFIED', resource, object: next, previous: existing }, rv);
    return clone(next);
  }

  delete(
    resource: GroupResource,
    namespace: string | undefined,
    name: string,
    options: WriteOptions = {},
  ): KubeObject | undefined {
    const info = this.info(resource);
    const ns = info.namespaced ? (namespace ?? 'default') : undefined;
    const existing = this.bucket(resource).get(ns, name);
    if (!existing) return undefined;
    if (options.dryRun) return clone(existing);
    if (resource === 'namespaces') {
      // Namespace deletion removes everything in it (real servers do it asynchronously).
      for (const [gr, objs] of this.objects) {
        const nsInfo = this.registry.get(gr);
        if (!nsInfo?.namespaced) continue;
        for (const o of objs.list(name)) this.delete(gr, name, o.metadata.name);
      }
    }
    if (resource === 'customresourcedefinitions.apiextensions.k8s.io') {
      const gr = existing.metadata.name;
      for (const o of this.objects.get(gr)?.list() ?? [])
        this.delete(gr, o.metadata.namespace, o.metadata.name);
      this.objects.delete(gr);
      const crInfo = this.registry.get(gr);
      if (crInfo) this.validator.forget(crInfo);
      this.registry.unregister(gr);
    }
    this.bucket(resource).delete(ns, name);
    const rv = ++this.rv;
    const last: KubeObject = { ...existing, metadata: { ...existing.metadata, resourceVersion: String(rv) } };
    deepFreeze(last);
    this.commit({ type: 'DELETED', resource, object: last, previous: existing }, rv);
    return clone(last);
  }

  private pruneUnknown(info: ResourceInfo, version: string, obj: KubeObject, options: WriteOptions): void {
    const unknown = this.validator.prune(info, version, obj);
    if (unknown.length === 0) return;
    const texts = unknown.map((f) => `unknown field "${f}"`);
    if (options.fieldValidation === 'Strict') {
      throw badRequest(
        `${info.kind} in version "${version}" cannot be handled as a ${info.kind}: strict decoding error: ${texts.join(', ')}`,
      );
    }
    if (options.fieldValidation === 'Warn') options.warnings?.push(...texts);
  }

  private crdChanged(crd: KubeObject): void {
    const gr = this.registry.registerCrd(crd);
    const info = gr ? this.registry.get(gr) : undefined;
    if (info) this.validator.forget(info);
  }

  /** What the real apiserver fills in (and kubelet / the IP allocators would). */
  private applyDefaults(info: ResourceInfo, obj: KubeObject, existing: KubeObject | undefined): void {
    const gr = info.group ? `${info.resource}.${info.group}` : info.resource;
    const spec = asRecord(obj.spec);
    switch (gr) {
      case 'namespaces': {
        obj.metadata.labels = {
          ...(obj.metadata.labels ?? {}),
          'kubernetes.io/metadata.name': obj.metadata.name,
        };
        obj.spec = { finalizers: ['kubernetes'], ...spec };
        if (!existing) obj.status = { phase: 'Active' };
        break;
      }
      case 'services': {
        const old = asRecord(existing?.spec);
        const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
        spec.type = type;
        if (type !== 'ExternalName') {
          if (spec.clusterIP === undefined || spec.clusterIP === '') {
            if (typeof old.clusterIP === 'string') spec.clusterIP = old.clusterIP;
            else {
              const n = this.nextServiceIp++;
              spec.clusterIP = `10.96.${(n >> 8) & 255}.${n & 255}`;
            }
          }
          spec.clusterIPs = [spec.clusterIP];
          spec.sessionAffinity ??= 'None';
          spec.ipFamilies ??= ['IPv4'];
          spec.ipFamilyPolicy ??= 'SingleStack';
          spec.internalTrafficPolicy ??= 'Cluster';
        }
        const oldPorts = Array.isArray(old.ports) ? old.ports.map(asRecord) : [];
        if (Array.isArray(spec.ports)) {
          spec.ports = spec.ports.map((p) => {
            const port = { ...asRecord(p) };
            port.protocol ??= 'TCP';
            port.targetPort ??= port.port;
            if ((type === 'NodePort' || type === 'LoadBalancer') && port.nodePort === undefined) {
              const prev = oldPorts.find((o) => o.port === port.port && o.nodePort !== undefined);
              port.nodePort = prev ? prev.nodePort : this.nextNodePort++;
            }
            return port;
          });
        }
        if (type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
        obj.spec = spec;
        if (!existing && obj.status === undefined) obj.status = { loadBalancer: {} };
        break;
      }
      case 'deployments.apps':
      case 'replicasets.apps': {
        spec.replicas ??= 1;
        obj.spec = spec;
        break;
      }
      case 'pods': {
        if (!existing && asRecord(obj.status).phase === undefined) {
          const n = this.nextPodIp++;
          const now = kubeTimestamp();
          const containers = Array.isArray(spec.containers) ? spec.containers.map(asRecord) : [];
          spec.nodeName ??= 'mesh-sim-node';
          obj.spec = spec;
          obj.status = {
            phase: 'Running',
            podIP: `10.244.${(n >> 8) & 255}.${n & 255}`,
            podIPs: [{ ip: `10.244.${(n >> 8) & 255}.${n & 255}` }],
            hostIP: '10.0.0.1',
            startTime: now,
            conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
              type,
              status: 'True',
              lastTransitionTime: now,
            })),
            containerStatuses: containers.map((c) => ({
              name: c.name,
              image: c.image,
              imageID: '',
              ready: true,
              restartCount: 0,
              started: true,
              state: { running: { startedAt: now } },
            })),
          };
        }
        break;
      }
      case 'customresourcedefinitions.apiextensions.k8s.io': {
        const names = asRecord(spec.names);
        const now = kubeTimestamp();
        obj.status = {
          acceptedNames: names,
          storedVersions: Array.isArray(spec.versions)
            ? spec.versions
                .map(asRecord)
                .filter((v) => v.storage === true)
                .map((v) => v.name)
            : [],
          conditions: [
            {
              type: 'NamesAccepted',
              status: 'True',
              reason: 'NoConflicts',
              message: 'no conflicts found',
              lastTransitionTime: now,
            },
            {
              type: 'Established',
              status: 'True',
              reason: 'InitialNamesAccepted',
              message: 'the initial names have been accepted',
              lastTransitionTime: now,
            },
          ],
        };
        if (existing?.status) obj.status = clone(existing.status);
        break;
      }
      default:
        break;
    }
  }
}

export { StatusError };
