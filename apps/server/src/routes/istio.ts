import { Router } from 'express';
import type { Request } from 'express';
import { IstioList, IstioObjectBody, IstioObjectWithValidations, isIstioKind, NoBody } from '@sextant/shared';
import { HttpError } from '../httpError';
import { ISTIO_RESOURCES, resourceByPlural } from '../kube/resources';
import type { Resource as ResourceDef } from '../kube/resources';
import { parseCached } from '../mesh/config';
import { schemaFindings, validateIstioObject } from '../mesh/validations';
import type { K8sObject, MeshConfig } from '../mesh/types';
import type { AppDeps } from './deps';
import { CollectionParams, DryRun, NamespaceFilter, ObjectParams } from './params';
import { viewerOf } from '../auth/viewer';
import { z } from 'zod';

function istioResource(plural: string): ResourceDef {
  const def = resourceByPlural(plural);
  if (!def?.istio) {
    throw new HttpError(
      404,
      'not_found',
      `Unknown Istio resource "${plural}"; use one of ${ISTIO_RESOURCES.map((r) => r.plural).join(', ')}.`,
    );
  }
  return def;
}

/** The object with its findings; typed through the cache's parse (once per object version). */
const withValidations = (def: ResourceDef, o: K8sObject, config: MeshConfig): IstioObjectWithValidations => {
  const parsed = isIstioKind(def.kind) ? parseCached(def.kind, o) : undefined;
  const validations = !parsed
    ? []
    : parsed.ok
      ? validateIstioObject(parsed.object, config)
      : schemaFindings(parsed.unreadable);
  return IstioObjectWithValidations.parse({ resource: def.plural, object: o, validations });
};

/** Body checks shared by PUT and POST: the object must be the one the URL names. */
function parseBody(req: Request, def: ResourceDef, namespace: string, name?: string): K8sObject {
  const body = IstioObjectBody.parse(req.body);
  if (body.kind !== def.kind)
    throw new HttpError(
      400,
      'bad_request',
      `kind: expected ${def.kind} for ${def.plural}, got ${body.kind}.`,
    );
  if (!body.apiVersion.startsWith(`${def.group}/`)) {
    throw new HttpError(
      400,
      'bad_request',
      `apiVersion: expected ${def.group}/${def.version}, got ${body.apiVersion}.`,
    );
  }
  if (body.metadata.namespace !== undefined && body.metadata.namespace !== namespace) {
    throw new HttpError(
      400,
      'bad_request',
      `metadata.namespace: "${body.metadata.namespace}" does not match the URL's "${namespace}".`,
    );
  }
  if (name !== undefined && body.metadata.name !== name) {
    throw new HttpError(
      400,
      'bad_request',
      `metadata.name: "${body.metadata.name}" does not match the URL's "${name}".`,
    );
  }
  return { ...body, metadata: { ...body.metadata, namespace } } as K8sObject;
}

const Force = z.object({
  force: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

/**
 * 422 when the object about to be saved has error-level findings, unless the person confirmed
 * (`?force=true`): a YAML edit must not put a broken route into the cluster by accident. A dry
 * run answers the findings instead, so the editor can show them first.
 */
function refuseErrorFindings(def: ResourceDef, body: K8sObject, config: MeshConfig): void {
  const errors = withValidations(def, body, config).validations.filter((v) => v.severity === 'error');
  if (errors.length === 0) return;
  const listed = errors.map((v) => `${v.code} at ${v.path}: ${v.message}`).join(' ');
  throw new HttpError(
    422,
    'invalid',
    `${def.kind} ${body.metadata.namespace ?? ''}/${body.metadata.name} has ${errors.length} error-level finding${errors.length === 1 ? '' : 's'}, so it was not saved. ${listed} Fix ${errors.length === 1 ? 'it' : 'them'}, or confirm and save anyway (?force=true).`,
    { validations: errors },
  );
}

/** Istio configuration: reads from the cache, writes to the API server with the caller's identity. */
export function istioRouter(deps: AppDeps): Router {
  const router = Router();
  const refuseIfReadOnly = (): void => {
    if (deps.readOnly)
      throw new HttpError(
        403,
        'read_only',
        'Sextant runs with --read-only: configuration cannot be changed from here.',
      );
  };

  router.get('/istio', (req, res) => {
    const { namespace } = NamespaceFilter.parse(req.query);
    const config = viewerOf(req).cache.meshConfig();
    const items = ISTIO_RESOURCES.flatMap((def) =>
      viewerOf(req)
        .cache.list(def.plural, namespace)
        .map((o) => withValidations(def, o, config)),
    );
    res.json(IstioList.parse({ items }));
  });

  router.get('/istio/:namespace/:resource/:name', (req, res) => {
    const { namespace, resource, name } = ObjectParams.parse(req.params);
    const def = istioResource(resource);
    const o = viewerOf(req).cache.get(def.plural, namespace, name);
    if (!o) throw new HttpError(404, 'not_found', `No ${def.kind} ${namespace}/${name}.`);
    res.json(withValidations(def, o, viewerOf(req).cache.meshConfig()));
  });

  router.put('/istio/:namespace/:resource/:name', async (req, res) => {
    refuseIfReadOnly();
    const { namespace, resource, name } = ObjectParams.parse(req.params);
    const { dryRun } = DryRun.parse(req.query);
    const { force } = Force.parse(req.query);
    const def = istioResource(resource);
    const body = parseBody(req, def, namespace, name);
    if (!body.metadata.resourceVersion) {
      throw new HttpError(
        400,
        'bad_request',
        'metadata.resourceVersion: required, so a change made since you loaded the object is never overwritten.',
      );
    }
    if (!dryRun && !force) refuseErrorFindings(def, body, viewerOf(req).cache.meshConfig());
    const saved = await deps
      .writerFor(viewerOf(req).credentials)
      .replace(def, namespace, name, body, { dryRun });
    res.json(withValidations(def, saved, viewerOf(req).cache.meshConfig()));
  });

  router.post('/istio/:namespace/:resource', async (req, res) => {
    refuseIfReadOnly();
    const { namespace, resource } = CollectionParams.parse(req.params);
    const { dryRun } = DryRun.parse(req.query);
    const def = istioResource(resource);
    const { force } = Force.parse(req.query);
    const body = parseBody(req, def, namespace);
    delete body.metadata.resourceVersion;
    if (!dryRun && !force) refuseErrorFindings(def, body, viewerOf(req).cache.meshConfig());
    const saved = await deps.writerFor(viewerOf(req).credentials).create(def, namespace, body, { dryRun });
    res.status(dryRun ? 200 : 201).json(withValidations(def, saved, viewerOf(req).cache.meshConfig()));
  });

  router.delete('/istio/:namespace/:resource/:name', async (req, res) => {
    refuseIfReadOnly();
    const { namespace, resource, name } = ObjectParams.parse(req.params);
    const { dryRun } = DryRun.parse(req.query);
    const { resourceVersion } = z.object({ resourceVersion: z.string().optional() }).parse(req.query);
    NoBody.parse(req.body);
    const def = istioResource(resource);
    await deps.writerFor(viewerOf(req).credentials).delete(def, namespace, name, { dryRun, resourceVersion });
    res.status(dryRun ? 200 : 204).end();
  });

  return router;
}
