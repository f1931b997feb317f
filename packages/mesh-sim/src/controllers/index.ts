/**
 * The controllers that make the simulated cluster behave like a real one: Deployment →
 * ReplicaSet → Running pods (with Istio's sidecar injected at creation), Service → Endpoints.
 *
 * They react to store events synchronously: a write through the API has produced its
 * ReplicaSets, pods and Endpoints before the HTTP answer leaves. Work is keyed and
 * de-duplicated, like a client-go workqueue, so a burst of events costs one pass per object.
 */
import type { ClusterEvent, ClusterStore, KubeObject } from '../cluster/types';
import {
  DEPLOYMENTS,
  ENDPOINTS,
  NameIndex,
  PODS,
  REPLICASETS,
  SERVICES,
  type ControllerContext,
  type WorkKind,
} from './context';
import { reconcileDeployment } from './deployment';
import { reconcileEndpoints } from './endpoints';
import { asRecord, controllerOf, labelsMatch, stringMap } from './objects';
import { admitPod } from './pod';
import { reconcileReplicaSet } from './replicaset';

export { injectSidecar, shouldInject, PROXY_IMAGE, STATUS_ANNOTATION } from './injection';

/** A bound on one drain: far above any cascade the scenarios cause, low enough to stop a bug. */
const MAX_STEPS_PER_DRAIN = 1_000_000;

/** Starts the controllers on the store; returns the function that stops them. */
export function startControllers(store: ClusterStore): () => void {
  const index = new NameIndex();
  const queue = new Set<string>();
  /** Service selectors per namespace, to find the Services a pod change concerns. */
  const selectors = new Map<string, Map<string, Record<string, string>>>();
  const podIps = new Set<string>();
  let nextIp = 0;
  let draining = false;
  let stopped = false;

  // PERFORMANCE: the API server's store can hand out its frozen objects without copying them
  // (`peek`, not part of the ClusterStore contract); controllers read far more than they write.
  const peek = (store as Partial<{ peek: ClusterStore['get'] }>).peek;
  const ctx: ControllerContext = {
    store,
    index,
    read: typeof peek === 'function' ? peek.bind(store) : store.get.bind(store),
    enqueue: (kind, namespace, name) => queue.add(`${kind}\u0000${namespace}\u0000${name}`),
    allocatePodIp: () => {
      // 10.244.128.0/17: clear of the range the API server's own pod defaults use.
      for (let i = 0; i < 32_768; i++) {
        const n = nextIp++ % 32_512;
        const ip = `10.244.${128 + Math.floor(n / 254)}.${(n % 254) + 1}`;
        if (!podIps.has(ip)) {
          podIps.add(ip);
          return ip;
        }
      }
      throw new Error('pod IP range exhausted');
    },
    warn: (message) => process.stderr.write(`mesh-sim controllers: ${message}\n`),
  };

  const servicesFor = (namespace: string, labels: Record<string, string> | undefined): string[] => {
    const out: string[] = [];
    for (const [name, selector] of selectors.get(namespace) ?? [])
      if (labelsMatch(selector, labels)) out.push(name);
    return out;
  };

  const observe = (event: ClusterEvent): void => {
    const obj = event.object;
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name;
    const deleted = event.type === 'DELETED';
    switch (event.resource) {
      case DEPLOYMENTS:
        ctx.enqueue('deployment', namespace, name);
        break;
      case REPLICASETS: {
        if (deleted) index.remove(REPLICASETS, obj);
        else index.add(REPLICASETS, obj);
        ctx.enqueue('replicaset', namespace, name);
        const owner = controllerOf(obj);
        if (owner?.kind === 'Deployment') ctx.enqueue('deployment', namespace, owner.name);
        break;
      }
      case PODS: {
        const ip = asRecord(obj.status).podIP;
        if (deleted) {
          index.remove(PODS, obj);
          if (typeof ip === 'string') podIps.delete(ip);
        } else {
          index.add(PODS, obj);
          if (typeof ip === 'string') podIps.add(ip);
        }
        if (event.type === 'ADDED') ctx.enqueue('admit', namespace, name);
        const owner = controllerOf(obj);
        if (owner?.kind === 'ReplicaSet') ctx.enqueue('replicaset', namespace, owner.name);
        const previous = previousOf(event);
        const affected = new Set([
          ...servicesFor(namespace, obj.metadata.labels),
          ...(previous ? servicesFor(namespace, previous.metadata.labels) : []),
        ]);
        for (const service of affected) ctx.enqueue('service', namespace, service);
        break;
      }
      case SERVICES: {
        const perNamespace = selectors.get(namespace) ?? new Map<string, Record<string, string>>();
        selectors.set(namespace, perNamespace);
        if (deleted) {
          index.remove(SERVICES, obj);
          perNamespace.delete(name);
        } else {
          index.add(SERVICES, obj);
          perNamespace.set(name, stringMap(asRecord(obj.spec).selector));
        }
        ctx.enqueue('service', namespace, name);
        break;
      }
      case ENDPOINTS:
        // Someone deleted managed Endpoints: the Service puts them back.
        if (deleted && selectors.get(namespace)?.has(name) === true) ctx.enqueue('service', namespace, name);
        break;
      default:
        break;
    }
  };

  const run = (kind: WorkKind, namespace: string, name: string): void => {
    switch (kind) {
      case 'deployment':
        return reconcileDeployment(ctx, namespace, name);
      case 'replicaset':
        return reconcileReplicaSet(ctx, namespace, name);
      case 'admit':
        return admitPod(ctx, namespace, name);
      case 'service':
        return reconcileEndpoints(ctx, namespace, name);
    }
  };

  const drain = (): void => {
    if (draining || stopped) return;
    draining = true;
    try {
      for (let steps = 0; queue.size > 0; steps++) {
        if (steps >= MAX_STEPS_PER_DRAIN) {
          ctx.warn(`gave up after ${steps} steps with ${queue.size} items queued`);
          queue.clear();
          break;
        }
        const key = queue.values().next().value;
        if (key === undefined) break;
        queue.delete(key);
        const [kind, namespace, name] = key.split('\u0000') as [WorkKind, string, string];
        try {
          run(kind, namespace, name);
        } catch (err) {
          ctx.warn(`${kind} ${namespace}/${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    } finally {
      draining = false;
    }
  };

  // Objects that exist before the controllers start are reconciled like fresh ones.
  for (const resource of [SERVICES, REPLICASETS, PODS, DEPLOYMENTS]) {
    for (const obj of store.list(resource)) observe({ type: 'MODIFIED', resource, object: obj });
  }
  const unsubscribe = store.subscribe((event) => {
    if (stopped) return;
    observe(event);
    drain();
  });
  drain();

  return () => {
    stopped = true;
    queue.clear();
    unsubscribe();
  };
}

/** The state before a MODIFIED event, when the store provides it (it is not part of the contract). */
function previousOf(event: ClusterEvent): KubeObject | undefined {
  const previous: unknown = (event as unknown as Record<string, unknown>).previous;
  if (typeof previous !== 'object' || previous === null) return undefined;
  const meta = (previous as Record<string, unknown>).metadata;
  return typeof meta === 'object' && meta !== null ? (previous as KubeObject) : undefined;
}
