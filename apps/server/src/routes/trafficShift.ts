import { Router } from 'express';
import type { Request } from 'express';
import { TrafficShiftRequest, TrafficShiftResponse, validateWeights, yamlDiff } from '@sextant/shared';
import type { HistoryEntry, ObjectChange } from '@sextant/shared';
import type { ChangeHistory } from '../history/changeHistory';
import { HttpError } from '../httpError';
import { resourceByPlural } from '../kube/resources';
import type { Resource } from '../kube/resources';
import { destinationRulesFor, virtualServicesFor } from '../mesh/istioConfig';
import {
  availableSubsets,
  pickDestinationRule,
  pickVirtualService,
  planTrafficShift,
  workloadsBehind,
} from '../mesh/routing/trafficShift';
import type { IstioObject, K8sObject } from '../mesh/types';
import { bearerToken } from './auth';
import type { AppDeps, ConfigWriter } from './deps';
import { DryRun, NamespaceName, ObjectName } from './params';
import { z } from 'zod';

const ServiceParams = z.object({ ns: NamespaceName, svc: ObjectName });

type RoutingResource = ObjectChange['resource'];

export function routingDef(resource: RoutingResource): Resource {
  const def = resourceByPlural(resource);
  if (!def) throw new Error(`no resource definition for ${resource}`);
  return def;
}

const toIstio = (o: K8sObject, kind: string): IstioObject => ({
  ...o,
  kind: o.kind ?? kind,
  spec: typeof o.spec === 'object' && o.spec !== null ? (o.spec as Record<string, unknown>) : {},
});

/** The person behind a write, for the history. */
export function actorOf(deps: AppDeps, req: Request): string {
  return deps.auth.strategy === 'token' && bearerToken(req) ? 'bearer-token user' : deps.auth.user;
}

export function refuseIfReadOnly(deps: AppDeps): void {
  if (deps.readOnly)
    throw new HttpError(
      403,
      'read_only',
      'Sextant runs with --read-only: routing cannot be changed from here.',
    );
}

/** Reads the live object (not the cache), so a plan is never built on a lagging copy. */
export async function readLive(
  writer: ConfigWriter,
  resource: RoutingResource,
  namespace: string,
  name: string,
): Promise<IstioObject | null> {
  try {
    const def = routingDef(resource);
    return toIstio(await writer.get(def, namespace, name), def.kind);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return null;
    throw err;
  }
}

/** A 409 that carries the object as it is now, so the form can show what changed. */
export function conflict(message: string, current: IstioObject | null, details?: unknown): HttpError {
  return new HttpError(409, 'conflict', message, {
    ...(typeof details === 'object' && details !== null ? details : {}),
    current,
  });
}

const label = (c: ObjectChange): string =>
  `${c.resource === 'virtualservices' ? 'VirtualService' : 'DestinationRule'} ${
    (c.after ?? c.before)?.metadata.namespace ?? ''
  }/${c.name}`;

export const changesDiff = (changes: ObjectChange[]): string =>
  changes
    .map((c) => yamlDiff(label(c), c.before, c.after))
    .filter(Boolean)
    .join('\n');

/**
 * Writes one change (create, replace with the resourceVersion it carries, or delete with it as a
 * precondition) and answers the object as the API server stored it.
 */
export async function writeChange(
  writer: ConfigWriter,
  namespace: string,
  change: { resource: RoutingResource; name: string; after: IstioObject | null; resourceVersion?: string },
  dryRun: boolean,
): Promise<IstioObject | null> {
  const def = routingDef(change.resource);
  try {
    if (change.after === null) {
      await writer.delete(def, namespace, change.name, { dryRun, resourceVersion: change.resourceVersion });
      return null;
    }
    if (change.resourceVersion === undefined) {
      const body = structuredClone(change.after);
      delete body.metadata.resourceVersion;
      return toIstio(await writer.create(def, namespace, body, { dryRun }), def.kind);
    }
    const body = {
      ...change.after,
      metadata: { ...change.after.metadata, resourceVersion: change.resourceVersion },
    };
    return toIstio(await writer.replace(def, namespace, change.name, body, { dryRun }), def.kind);
  } catch (err) {
    if (err instanceof HttpError && err.status === 409 && err.code === 'conflict') {
      throw conflict(
        err.message,
        await readLive(writer, change.resource, namespace, change.name),
        err.details,
      );
    }
    throw err;
  }
}

/**
 * `POST /api/namespaces/:ns/services/:svc/traffic-shift`: sets the weights of the service's
 * catch-all route, creating DestinationRule subsets from the version labels when there are none.
 * `?dryRun=true` answers the would-be objects and their YAML diff; nothing is written.
 */
export function trafficShiftRouter(deps: AppDeps, history: ChangeHistory): Router {
  const router = Router();
  router.post('/namespaces/:ns/services/:svc/traffic-shift', async (req, res) => {
    refuseIfReadOnly(deps);
    const { ns, svc } = ServiceParams.parse(req.params);
    const { dryRun } = DryRun.parse(req.query);
    const body = TrafficShiftRequest.parse(req.body);
    const shapeIssues = validateWeights(body.weights).filter((i) => i.code !== 'unknown_subset');
    if (shapeIssues.length > 0) {
      throw new HttpError(400, 'bad_request', shapeIssues.map((i) => i.message).join(' '), {
        issues: shapeIssues,
      });
    }

    const config = deps.cache.meshConfig();
    const service = config.services.find((s) => s.name === svc && s.namespace === ns);
    if (!service) throw new HttpError(404, 'not_found', `No service ${ns}/${svc}.`);
    const writer = deps.writerFor(bearerToken(req));
    const vsName = pickVirtualService(virtualServicesFor(config, svc, ns), service)?.metadata.name;
    const drName = pickDestinationRule(destinationRulesFor(config, svc, ns), service)?.metadata.name;
    const [vs, dr] = await Promise.all([
      vsName ? readLive(writer, 'virtualservices', ns, vsName) : null,
      drName ? readLive(writer, 'destinationrules', ns, drName) : null,
    ]);

    // Checked before anything is written, so a stale form never leaves a half-applied change.
    if (body.resourceVersion !== undefined && body.resourceVersion !== vs?.metadata.resourceVersion) {
      throw conflict(
        vs
          ? `VirtualService ${ns}/${vs.metadata.name} changed since the form loaded it (version ${body.resourceVersion}, now ${vs.metadata.resourceVersion ?? '?'}). Review the change and apply again.`
          : `The VirtualService the form was built on is gone. Review and apply again.`,
        vs,
      );
    }

    const subsets = availableSubsets(dr ?? undefined, workloadsBehind(service, config.workloads));
    const names = subsets.subsets.map((s) => s.name);
    const missing = validateWeights(body.weights, names).filter((i) => i.code === 'unknown_subset');
    if (missing.length > 0) {
      throw new HttpError(422, 'invalid', missing.map((i) => i.message).join(' '), {
        issues: missing,
        subsets: names,
      });
    }

    const plan = planTrafficShift({
      service,
      weights: body.weights,
      virtualService: vs ?? undefined,
      destinationRule: dr ?? undefined,
      subsets,
    });
    const steps = [
      ...(plan.destinationRule ? [{ resource: 'destinationrules' as const, ...plan.destinationRule }] : []),
      { resource: 'virtualservices' as const, ...plan.virtualService },
    ];
    const changes: ObjectChange[] = [];
    // Subsets first: the route must never name a subset that does not exist yet.
    for (const step of steps) {
      const saved = await writeChange(
        writer,
        ns,
        {
          resource: step.resource,
          name: step.after.metadata.name,
          after: step.after,
          resourceVersion: step.before?.metadata.resourceVersion,
        },
        dryRun,
      );
      changes.push({
        resource: step.resource,
        name: step.after.metadata.name,
        before: step.before,
        after: saved,
      });
    }

    let entry: HistoryEntry | undefined;
    if (!dryRun) {
      entry = await history.append({
        user: actorOf(deps, req),
        namespace: ns,
        service: svc,
        action: 'traffic-shift',
        summary: Object.entries(body.weights)
          .map(([s, w]) => `${s} ${w}%`)
          .join(', '),
        changes,
      });
    }
    res.json(
      TrafficShiftResponse.parse({
        applied: !dryRun,
        changes,
        diff: changesDiff(changes),
        historyId: entry?.id,
      }),
    );
  });
  return router;
}
