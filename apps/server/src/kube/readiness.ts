import type { InformerStatus } from './cache';

/** How long watches may fail before `/readyz` answers 503 (a blip should not pull the pod out). */
export const DEFAULT_NOT_READY_AFTER_MS = 30_000;

export interface Readiness {
  ready: boolean;
  status: 'ready' | 'syncing' | 'failing';
  /** Why not ready, in words; absent when ready. */
  reason?: string;
}

/**
 * Ready when every informer has listed once and none has been failing for longer than
 * `notReadyAfterMs`. Pure, so the threshold arithmetic is tested without a cluster.
 */
export function readiness(informers: InformerStatus[], now: number, notReadyAfterMs: number): Readiness {
  const neverSynced = informers.filter((i) => i.lastSyncAt === undefined);
  if (neverSynced.length > 0) {
    const names = neverSynced.map((i) => i.resource).join(', ');
    const error = neverSynced.find((i) => i.lastError)?.lastError;
    return {
      ready: false,
      status: 'syncing',
      reason: `The cache has not synced yet (${names})${error ? `: ${error}` : ''}.`,
    };
  }
  const failing = informers.filter(
    (i) => !i.synced && i.failingSince !== undefined && now - i.failingSince > notReadyAfterMs,
  );
  if (failing.length > 0) {
    const oldest = Math.min(...failing.map((i) => i.failingSince ?? now));
    const seconds = Math.round((now - oldest) / 1000);
    const error = failing.find((i) => i.lastError)?.lastError ?? 'unknown error';
    return {
      ready: false,
      status: 'failing',
      reason: `Watches on the Kubernetes API have been failing for ${seconds} s (${failing
        .map((i) => i.resource)
        .join(', ')}): ${error}`,
    };
  }
  return { ready: true, status: 'ready' };
}

/**
 * When informers are failing: since when (the configuration is current up to then) and the last
 * error. Undefined while every watch is healthy.
 */
export function staleSince(informers: InformerStatus[]): { since: number; error?: string } | undefined {
  const failing = informers.filter(
    (i) => !i.synced && i.lastSyncAt !== undefined && i.failingSince !== undefined,
  );
  if (failing.length === 0) return undefined;
  return {
    since: Math.min(...failing.map((i) => i.failingSince ?? Infinity)),
    error: failing.find((i) => i.lastError)?.lastError,
  };
}
