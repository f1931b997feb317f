/**
 * The Deployment controller: one ReplicaSet per pod template (`<deploy>-<pod-template-hash>`),
 * the current one scaled to `spec.replicas` and every older one to 0. Rollouts are instant
 * rather than rolling, which keeps `kubectl rollout restart` + `rollout status` truthful.
 */
import type { KubeObject } from '../cluster/types';
import { DEPLOYMENTS, REPLICASETS, type ControllerContext } from './context';
import {
  asArray,
  asRecord,
  controllerOf,
  copy,
  now,
  ownerReference,
  sameJson,
  stringMap,
  templateHash,
  type Json,
} from './objects';

const REVISION = 'deployment.kubernetes.io/revision';

/** PERFORMANCE: the template changes only with the generation; hashing it on every status event is waste. */
const hashes = new Map<string, string>();
function hashOf(deployment: KubeObject, template: unknown): string {
  const key = `${deployment.metadata.uid ?? ''}/${deployment.metadata.generation ?? 0}`;
  let hash = hashes.get(key);
  if (hash === undefined) {
    if (hashes.size > 50_000) hashes.clear();
    hash = templateHash(template);
    hashes.set(key, hash);
  }
  return hash;
}

export function reconcileDeployment(ctx: ControllerContext, namespace: string, name: string): void {
  const { store } = ctx;
  const deployment = ctx.read(DEPLOYMENTS, namespace, name);
  const owned = ctx.index.ownedBy(ctx, REPLICASETS, namespace, 'Deployment', name);

  // Gone, or re-created under the same name: the old ReplicaSets are garbage.
  const stale = owned.filter((rs) => controllerOf(rs)?.uid !== deployment?.metadata.uid);
  for (const rs of stale) store.delete(REPLICASETS, namespace, rs.metadata.name);
  if (deployment === undefined) return;
  const mine = owned.filter((rs) => !stale.includes(rs));

  const spec = asRecord(deployment.spec);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const template = asRecord(spec.template);
  const hash = hashOf(deployment, template);
  const rsName = `${name}-${hash}`;
  const maxRevision = Math.max(
    0,
    ...mine.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? '0') || 0),
  );

  let current = mine.find((rs) => rs.metadata.name === rsName);
  if (current === undefined) {
    current = store.create(REPLICASETS, newReplicaSet(deployment, rsName, hash, replicas, maxRevision + 1));
    ctx.index.add(REPLICASETS, current);
  } else {
    const rsSpec = asRecord(current.spec);
    const isLatest = Number(current.metadata.annotations?.[REVISION] ?? '0') === maxRevision;
    if (rsSpec.replicas !== replicas || !isLatest) {
      const next = copy(current);
      next.spec = { ...asRecord(next.spec), replicas };
      // A rollback to an older template makes that ReplicaSet the newest revision again.
      if (!isLatest)
        next.metadata.annotations = {
          ...(next.metadata.annotations ?? {}),
          [REVISION]: String(maxRevision + 1),
        };
      current = store.update(REPLICASETS, next);
    }
  }

  const old = mine.filter((rs) => rs.metadata.name !== rsName);
  for (const rs of old) {
    if (asRecord(rs.spec).replicas === 0) continue;
    const next = copy(rs);
    next.spec = { ...asRecord(next.spec), replicas: 0 };
    store.update(REPLICASETS, next);
  }

  // A ReplicaSet created just now reports its pods in a moment; its status event brings us back.
  if (current.status === undefined) return;
  updateStatus(ctx, deployment, replicas, current, old);
}

function newReplicaSet(
  deployment: KubeObject,
  name: string,
  hash: string,
  replicas: number,
  revision: number,
): KubeObject {
  const spec = asRecord(deployment.spec);
  const template = copy(asRecord(spec.template));
  const templateMeta = asRecord(template.metadata);
  const labels = { ...stringMap(templateMeta.labels), 'pod-template-hash': hash };
  const selector = copy(asRecord(spec.selector));
  selector.matchLabels = { ...stringMap(selector.matchLabels), 'pod-template-hash': hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: deployment.metadata.namespace,
      labels,
      annotations: {
        [REVISION]: String(revision),
        'deployment.kubernetes.io/desired-replicas': String(spec.replicas ?? 1),
        'deployment.kubernetes.io/max-replicas': String(
          (typeof spec.replicas === 'number' ? spec.replicas : 1) + 1,
        ),
      },
      ownerReferences: [ownerReference(deployment)],
    },
    spec: {
      replicas,
      selector,
      template: { ...template, metadata: { ...templateMeta, labels } },
    },
  };
}

function count(rs: KubeObject | undefined, field: string): number {
  const value = asRecord(rs?.status)[field];
  return typeof value === 'number' ? value : 0;
}

/** The status `kubectl rollout status` reads: it waits until updated = available = replicas. */
function updateStatus(
  ctx: ControllerContext,
  deployment: KubeObject,
  desired: number,
  current: KubeObject,
  old: KubeObject[],
): void {
  const all = [current, ...old];
  const total = all.reduce((n, rs) => n + count(rs, 'replicas'), 0);
  const ready = all.reduce((n, rs) => n + count(rs, 'readyReplicas'), 0);
  const available = all.reduce((n, rs) => n + count(rs, 'availableReplicas'), 0);
  const updated = count(current, 'replicas');
  const complete = updated === desired && total === desired && available === desired;

  const previous = asArray(asRecord(deployment.status).conditions).map(asRecord);
  const condition = (type: string, status: string, reason: string, message: string): Json => {
    const before = previous.find((c) => c.type === type);
    const unchanged = before !== undefined && before.status === status && before.reason === reason;
    const time = now();
    return {
      type,
      status,
      lastUpdateTime: unchanged ? before.lastUpdateTime : time,
      lastTransitionTime: before !== undefined && before.status === status ? before.lastTransitionTime : time,
      reason,
      message,
    };
  };
  const status: Json = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: total,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
    conditions: [
      available >= desired
        ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : condition(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
      complete
        ? condition(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
          )
        : condition(
            'Progressing',
            'True',
            'ReplicaSetUpdated',
            `ReplicaSet "${current.metadata.name}" is progressing.`,
          ),
    ],
  };
  if (desired > available) status.unavailableReplicas = desired - available;
  // Real Deployments drop zero counts from their status; kubectl reads absent as 0.
  for (const key of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'])
    if (status[key] === 0) delete status[key];

  if (sameJson(status, deployment.status)) return;
  ctx.store.updateStatus(DEPLOYMENTS, { ...deployment, status });
}
