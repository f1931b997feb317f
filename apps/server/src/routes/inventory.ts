import { Router } from 'express';
import { ServiceDetail, ServiceList, WorkloadDetail, WorkloadList } from '@sextant/shared';
import { HttpError } from '../httpError';
import { serviceSummary, workloadSummary } from '../mesh/inventory';
import { validateMeshConfig } from '../mesh/validations';
import { viewerOf } from '../auth/viewer';
import type { AppDeps } from './deps';
import { NamespaceFilter, NamespaceName, ObjectName } from './params';
import { z } from 'zod';

const Params = z.object({ namespace: NamespaceName, name: ObjectName });

/** Services and workloads, from the cache. */
export function inventoryRouter(_deps: AppDeps): Router {
  const router = Router();

  router.get('/services', (req, res) => {
    const { namespace } = NamespaceFilter.parse(req.query);
    const config = viewerOf(req).cache.meshConfig();
    const findings = validateMeshConfig(config);
    const services = config.services
      .filter((s) => !namespace || s.namespace === namespace)
      .map((s) => serviceSummary(config, s, findings));
    res.json(ServiceList.parse({ services }));
  });

  router.get('/services/:namespace/:name', (req, res) => {
    const { namespace, name } = Params.parse(req.params);
    const config = viewerOf(req).cache.meshConfig();
    const svc = config.services.find((s) => s.namespace === namespace && s.name === name);
    const object = viewerOf(req).cache.get('services', namespace, name);
    if (!svc || !object) throw new HttpError(404, 'not_found', `No service ${namespace}/${name}.`);
    res.json(ServiceDetail.parse({ ...serviceSummary(config, svc), object }));
  });

  router.get('/workloads', (req, res) => {
    const { namespace } = NamespaceFilter.parse(req.query);
    const config = viewerOf(req).cache.meshConfig();
    const findings = validateMeshConfig(config);
    const workloads = config.workloads
      .filter((w) => !namespace || w.namespace === namespace)
      .map((w) => workloadSummary(config, w, findings));
    res.json(WorkloadList.parse({ workloads }));
  });

  router.get('/workloads/:namespace/:name', (req, res) => {
    const { namespace, name } = Params.parse(req.params);
    const config = viewerOf(req).cache.meshConfig();
    const w = config.workloads.find((x) => x.namespace === namespace && x.name === name);
    if (!w) throw new HttpError(404, 'not_found', `No workload ${namespace}/${name}.`);
    const object =
      w.kind === 'Deployment'
        ? viewerOf(req).cache.get('deployments', namespace, name)
        : viewerOf(req).cache.get('pods', namespace, name);
    res.json(WorkloadDetail.parse({ ...workloadSummary(config, w), object }));
  });

  return router;
}
