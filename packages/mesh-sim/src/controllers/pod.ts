/**
 * The kubelet's part: every pod runs at once and is Ready, with an IP, and a status per
 * container (kubectl port-forward refuses pods that are not Running). Also the injector's
 * admission step for pods created directly rather than by a ReplicaSet.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../cluster/types';
import { NAMESPACES, PODS, type ControllerContext } from './context';
import { injectSidecar, isInjected, shouldInject } from './injection';
import { asArray, asRecord, asString, now, type Json } from './objects';

export const NODE_NAME = 'mesh-sim-node';
export const HOST_IP = '10.0.0.1';

export function isReady(pod: KubeObject): boolean {
  const status = asRecord(pod.status);
  if (status.phase !== 'Running' || pod.metadata.deletionTimestamp !== undefined) return false;
  return asArray(status.conditions).some(
    (c) => asRecord(c).type === 'Ready' && asRecord(c).status === 'True',
  );
}

function names(list: unknown): string[] {
  return asArray(list).map((c) => asString(asRecord(c).name) ?? '');
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** Whether the pod already has the status the kubelet would give it. */
function hasRunningStatus(pod: KubeObject): boolean {
  const spec = asRecord(pod.spec);
  const status = asRecord(pod.status);
  return (
    status.phase === 'Running' &&
    typeof status.podIP === 'string' &&
    sameNames(names(status.containerStatuses), names(spec.containers)) &&
    sameNames(names(status.initContainerStatuses), names(spec.initContainers)) &&
    isReady(pod)
  );
}

/** The kubelet's status for a pod whose containers all started; keeps an IP it already has. */
export function runningStatus(ctx: ControllerContext, pod: KubeObject): Json {
  const spec = asRecord(pod.spec);
  const status = asRecord(pod.status);
  const containers = asArray(spec.containers).map(asRecord);
  const initContainers = asArray(spec.initContainers).map(asRecord);
  const time = now();
  const podIP = typeof status.podIP === 'string' ? status.podIP : ctx.allocatePodIp();
  const hostIP = typeof status.hostIP === 'string' ? status.hostIP : HOST_IP;
  const startedAt = typeof status.startTime === 'string' ? status.startTime : time;
  const containerId = (name: unknown): string =>
    `containerd://${createHash('sha256')
      .update(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${String(name)}`)
      .digest('hex')}`;
  const next: Json = {
    ...status,
    phase: 'Running',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: startedAt,
    qosClass: 'BestEffort',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      (type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: startedAt,
      }),
    ),
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      containerID: containerId(c.name),
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    })),
  };
  if (initContainers.length > 0) {
    next.initContainerStatuses = initContainers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      containerID: containerId(c.name),
      ready: true,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt } },
    }));
  } else delete next.initContainerStatuses;
  return next;
}

/** Gives the pod a Running status unless it already has a complete one; returns the pod as stored. */
export function ensureRunning(ctx: ControllerContext, pod: KubeObject): KubeObject {
  if (hasRunningStatus(pod) && asRecord(pod.spec).nodeName !== undefined) return pod;
  let current = pod;
  if (asRecord(pod.spec).nodeName === undefined) {
    // nodeName lives in spec: a main-resource write, like the scheduler's binding.
    current = ctx.store.update(PODS, { ...pod, spec: { ...asRecord(pod.spec), nodeName: NODE_NAME } });
  }
  return ctx.store.updateStatus(PODS, { ...current, status: runningStatus(ctx, current) });
}

/**
 * A pod that arrived through the API (not from a ReplicaSet): inject it if its namespace asks
 * for sidecars, then run it. Called only for ADDED events: injection is an admission step.
 */
export function admitPod(ctx: ControllerContext, namespace: string, name: string): void {
  let pod = ctx.read(PODS, namespace, name);
  if (pod === undefined) return;
  const owned = pod.metadata.ownerReferences?.some((r) => r.controller === true) ?? false;
  if (!owned && !isInjected(pod)) {
    const ns = ctx.read(NAMESPACES, undefined, namespace);
    if (shouldInject(ns, { labels: pod.metadata.labels, annotations: pod.metadata.annotations })) {
      pod = ctx.store.update(PODS, injectSidecar(pod));
    }
  }
  ensureRunning(ctx, pod);
}
