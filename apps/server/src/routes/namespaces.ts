import { Router } from 'express';
import { NamespaceList } from '@sextant/shared';
import { viewerOf } from '../auth/viewer';
import type { AppDeps } from './deps';

export function namespacesRouter(_deps: AppDeps): Router {
  const router = Router();
  router.get('/namespaces', (req, res) => {
    const namespaces = viewerOf(req)
      .cache.meshConfig()
      .namespaces.map((n) => ({
        name: n.name,
        labels: n.labels,
        istioInjection: n.labels['istio-injection'] === 'enabled' || n.labels['istio.io/rev'] !== undefined,
      }));
    res.json(NamespaceList.parse({ namespaces }));
  });
  return router;
}
