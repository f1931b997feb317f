import { Router } from 'express';
import { ServerStatus } from '@sextant/shared';
import type { InformerState, PrometheusState } from '@sextant/shared';
import type { InformerStatus } from '../kube/cache';
import { DEFAULT_NOT_READY_AFTER_MS, readiness } from '../kube/readiness';
import type { PromClientStatus } from '../prom/client';
import type { AppDeps } from './deps';

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/**
 * `/healthz`: the process answers (a liveness probe must not restart Sextant because the API
 * server is away). `/readyz`: 503 with the reason until the cache has synced, and again when its
 * watches have been failing longer than the threshold.
 */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const informers = deps.cache.status();
    const r = readiness(informers, Date.now(), deps.notReadyAfterMs ?? DEFAULT_NOT_READY_AFTER_MS);
    res
      .status(r.ready ? 200 : 503)
      .json({ status: r.status, reason: r.reason, informers: informers.map(informerState) });
  });
  return router;
}

/** `GET /api/status`: each informer, Prometheus (breaker, last success, last error) and the query cache. */
export function statusRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/status', (_req, res) => {
    const now = Date.now();
    const informers = deps.cache.status();
    const r = readiness(informers, now, deps.notReadyAfterMs ?? DEFAULT_NOT_READY_AFTER_MS);
    const prom = deps.prom?.status();
    res.setHeader('cache-control', 'no-store');
    res.json(
      ServerStatus.parse({
        telemetrySource: deps.telemetry?.kind ?? 'none',
        telemetry: deps.telemetry?.description ?? 'none: graphs show configuration only',
        cacheSynced: deps.cache.isSynced(),
        ready: r.ready,
        notReadyReason: r.reason,
        readOnly: deps.readOnly ?? false,
        informers: informers.map(informerState),
        promQueries: deps.promQueries?.() ?? 0,
        prometheus: prom ? prometheusState(prom) : undefined,
        queryCache: prom
          ? {
              enabled: prom.coalescing,
              bucketSeconds: prom.shareBucketMs / 1000,
              hits: prom.sharing.hits,
              misses: prom.sharing.misses,
              inFlightJoins: prom.sharing.inFlightJoins,
              hitRate: prom.sharing.hitRate,
              entries: prom.sharing.entries,
            }
          : undefined,
        now: new Date(now).toISOString(),
      }),
    );
  });
  return router;
}

function informerState(i: InformerStatus): InformerState {
  return {
    resource: i.resource,
    synced: i.synced,
    state: i.synced ? 'synced' : i.lastSyncAt === undefined ? 'syncing' : 'failing',
    lastSyncAt: iso(i.lastSyncAt),
    lastError: i.lastError,
    lastErrorAt: iso(i.lastErrorAt),
    failingSince: iso(i.failingSince),
  };
}

function prometheusState(p: PromClientStatus): PrometheusState {
  const b = p.breaker;
  return {
    url: p.url,
    breaker: b.state,
    consecutiveFailures: b.consecutiveFailures,
    lastSuccessAt: iso(b.lastSuccessAt),
    failingSince: iso(b.failingSince),
    openedAt: iso(b.openedAt),
    lastError: b.lastFailure
      ? {
          kind: b.lastFailure.kind,
          message: b.lastFailure.message,
          reason: b.lastFailure.reason,
          at: new Date(b.lastFailure.at).toISOString(),
        }
      : undefined,
    queriesSent: p.queriesSent,
    probesSent: p.probesSent,
  };
}
