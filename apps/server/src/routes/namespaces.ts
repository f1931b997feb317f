import { Router } from 'express';
import { NamespaceList } from '@sextant/shared';
import type { AppDeps } from './deps';

export function namespacesRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/namespaces', (_req, res) => {
    const namespaces = deps.cache.meshConfig().namespaces.map((n) => ({
      name: n.name,
      labels: n.labels,
      istioInjection: n.labels['istio-injection'] === 'enabled' || n.labels['istio.io/rev'] !== undefined,
    }));
    res.json(NamespaceList.parse({ namespaces }));
  });
  return router;
}
