/** The ReplicaSet controller: keeps `spec.replicas` pods stamped from the template, reports status. */
import type { KubeObject } from '../cluster/types';
import { NAMESPACES, PODS, REPLICASETS, type ControllerContext } from './context';
import { injectSidecar, shouldInject } from './injection';
import {
  asRecord,
  controllerOf,
  copy,
  ownerReference,
  randomSuffix,
  sameJson,
  stringMap,
  type Json,
} from './objects';
import { ensureRunning, isReady, NODE_NAME, runningStatus } from './pod';

export function reconcileReplicaSet(ctx: ControllerContext, namespace: string, name: string): void {
  const { store } = ctx;
  const rs = ctx.read(REPLICASETS, namespace, name);
  const owned = ctx.index.ownedBy(ctx, PODS, namespace, 'ReplicaSet', name);
  const stale = owned.filter((pod) => controllerOf(pod)?.uid !== rs?.metadata.uid);
  for (const pod of stale) deletePod(ctx, pod);
  if (rs === undefined) return;

  const pods = owned.filter((pod) => !stale.includes(pod));
  const replicas = asRecord(rs.spec).replicas;
  const desired = typeof replicas === 'number' ? replicas : 1;

  // Newest first, so scaling down removes the most recent pods as Kubernetes prefers.
  pods.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  while (pods.length > desired) {
    const pod = pods.shift();
    if (pod !== undefined) deletePod(ctx, pod);
  }
  for (let i = pods.length; i < desired; i++) pods.push(createPod(ctx, rs));

  const ready = pods.filter(isReady).length;
  const status: Json = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata.generation ?? 1,
  };
  for (const key of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
    if (status[key] === 0) delete status[key];
  if (!sameJson(status, rs.status)) store.updateStatus(REPLICASETS, { ...rs, status });
}

function deletePod(ctx: ControllerContext, pod: KubeObject): void {
  ctx.store.delete(PODS, pod.metadata.namespace, pod.metadata.name);
  ctx.index.remove(PODS, pod);
}

/** Stamps a pod from the template; the sidecar decision is taken here, at creation, once. */
function createPod(ctx: ControllerContext, rs: KubeObject): KubeObject {
  const namespace = rs.metadata.namespace ?? 'default';
  const template = asRecord(asRecord(rs.spec).template);
  const templateMeta = asRecord(template.metadata);
  const templateSpec = copy(asRecord(template.spec));
  const serviceAccount =
    typeof templateSpec.serviceAccountName === 'string' ? templateSpec.serviceAccountName : 'default';
  const labels = stringMap(templateMeta.labels);
  const annotations = stringMap(templateMeta.annotations);

  let pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName: `${rs.metadata.name}-`,
      namespace,
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [ownerReference(rs)],
    },
    spec: {
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      ...templateSpec,
      serviceAccountName: serviceAccount,
      serviceAccount,
    },
  };
  const ns = ctx.read(NAMESPACES, undefined, namespace);
  if (shouldInject(ns, { labels, annotations })) pod = injectSidecar(pod);

  // generateName collisions are possible in principle; a few tries make them practically impossible.
  let name = `${rs.metadata.name}-${randomSuffix(5)}`;
  for (let attempt = 0; attempt < 5 && ctx.read(PODS, namespace, name) !== undefined; attempt++) {
    name = `${rs.metadata.name}-${randomSuffix(5)}`;
  }
  pod = { ...pod, metadata: { ...pod.metadata, name } };
  // Scheduled and started in the same write: one event per pod instead of three.
  pod.spec = { ...asRecord(pod.spec), nodeName: NODE_NAME };
  pod.status = runningStatus(ctx, pod);
  const created = ctx.store.create(PODS, pod);
  ctx.index.add(PODS, created);
  return ensureRunning(ctx, created);
}
