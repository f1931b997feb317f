import { Router } from 'express';
import { ServerStatus } from '@sextant/shared';
import type { AppDeps } from './deps';

/** `/healthz` (process up), `/readyz` (cache synced), `/api/status` (what the server runs on). */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const informers = deps.cache.status();
    const ready = deps.cache.isSynced();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'syncing', informers });
  });
  return router;
}

export function statusRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/status', (_req, res) => {
    res.json(
      ServerStatus.parse({
        telemetrySource: deps.telemetry?.kind ?? 'none',
        telemetry: deps.telemetry?.description ?? 'none: graphs show configuration only',
        cacheSynced: deps.cache.isSynced(),
        readOnly: deps.readOnly ?? false,
        informers: deps.cache.status(),
        promQueries: deps.promQueries?.() ?? 0,
      }),
    );
  });
  return router;
}
