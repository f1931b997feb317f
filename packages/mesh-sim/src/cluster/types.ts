/**
 * The contract between the simulated API server (which owns the objects) and the traffic
 * model (which, like istiod, reacts to them). Kept tiny so either side can be tested alone.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * A resource is named by its GroupResource string, as Kubernetes prints it:
 * `pods`, `services`, `namespaces`, `deployments.apps`, `virtualservices.networking.istio.io`,
 * `peerauthentications.security.istio.io`, …
 */
export type GroupResource = string;

export interface ClusterEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: GroupResource;
  object: KubeObject;
}

/** Read access to the live cluster state plus change notifications. */
export interface ClusterView {
  /** Current objects of a resource (all namespaces when `namespace` is omitted), sorted by namespace/name. */
  list(resource: GroupResource, namespace?: string): KubeObject[];
  /** Called synchronously after every committed write (never for dry runs). Returns an unsubscribe. */
  subscribe(listener: (event: ClusterEvent) => void): () => void;
}

/**
 * Write access with the API server's semantics (uid, global resourceVersion, generation,
 * status preserved, events). Controllers and scenarios use it; the HTTP layer wraps it.
 * Objects may be given in any served version; they are stored in the storage version.
 */
export interface ClusterStore extends ClusterView {
  get(resource: GroupResource, namespace: string | undefined, name: string): KubeObject | undefined;
  create(resource: GroupResource, object: KubeObject): KubeObject;
  /** Replaces the object; throws a 409-style error when `metadata.resourceVersion` is set and stale. */
  update(resource: GroupResource, object: KubeObject): KubeObject;
  /** Replaces only `status`. */
  updateStatus(resource: GroupResource, object: KubeObject): KubeObject;
  delete(resource: GroupResource, namespace: string | undefined, name: string): KubeObject | undefined;
}
