import { Router } from 'express';
import type { Request } from 'express';
import {
  parseIstioObject,
  DestinationPolicyRequest,
  NoBody,
  PeerAuthenticationRequest,
  peerAuthenticationName,
  RequestRoutingRequest,
  RoutePolicyRequest,
  TrafficShiftRequest,
  TrafficShiftResponse,
  validateDestinationPolicy,
  validatePeerAuthentication,
  validateRequestRouting,
  validateRoutePolicy,
  validateWeights,
  yamlDiff,
} from '@sextant/shared';
import type {
  DestinationPolicy,
  DestinationRule,
  IstioKind,
  IstioKindMap,
  VirtualService,
  HistoryEntry,
  ObjectChange,
  RequestRule,
  RoutePolicy,
} from '@sextant/shared';
import type { ChangeHistory } from '../history/changeHistory';
import { HttpError } from '../httpError';
import { resourceByPlural } from '../kube/resources';
import type { Resource } from '../kube/resources';
import { destinationRulesFor, virtualServicesFor } from '../mesh/istioConfig';
import {
  availableSubsets,
  pickDestinationRule,
  pickVirtualService,
  planDerivedSubsets,
  planTrafficShift,
  workloadsBehind,
} from '../mesh/routing/trafficShift';
import { planDestinationPolicy } from '../mesh/routing/destinationPolicy';
import { planPeerAuthentication } from '../mesh/routing/peerAuthentication';
import { planRequestRouting } from '../mesh/routing/requestRouting';
import { planRoutePolicy } from '../mesh/routing/routePolicy';
import { schemaFindings } from '../mesh/validations';
import type { IstioObject, K8sObject, ServiceInfo } from '../mesh/types';
import { viewerOf } from '../auth/viewer';
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

/** The person behind a write, for the history: the name the API server knows them by (SelfSubjectReview). */
export function actorOf(_deps: AppDeps, req: Request): string {
  return viewerOf(req).user;
}

export function refuseIfReadOnly(deps: AppDeps): void {
  if (deps.readOnly)
    throw new HttpError(
      403,
      'read_only',
      'Sextant runs with --read-only: routing cannot be changed from here.',
    );
}

const KIND_OF = {
  virtualservices: 'VirtualService',
  destinationrules: 'DestinationRule',
  peerauthentications: 'PeerAuthentication',
} as const satisfies Record<RoutingResource, IstioKind>;
/** The typed object a routing resource holds. */
export type RoutingObject<R extends RoutingResource> = IstioKindMap[(typeof KIND_OF)[R]];

/**
 * The live object typed by its schema; 422 when a field has the wrong type, because a plan built
 * on a misread object could drop or mangle what the person wrote.
 */
function typedLive<R extends RoutingResource>(resource: R, o: K8sObject): RoutingObject<R> {
  const kind = KIND_OF[resource];
  const parsed = parseIstioObject(kind, o);
  if (parsed.ok) return parsed.object as RoutingObject<R>;
  const fields = parsed.unreadable.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new HttpError(
    422,
    'invalid',
    `${kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} has fields Sextant cannot read (${fields}). Fix them in the YAML editor, then try again.`,
    { validations: schemaFindings(parsed.unreadable) },
  );
}

/** Reads the live object (not the cache), so a plan is never built on a lagging copy. */
export async function readLive<R extends RoutingResource>(
  writer: ConfigWriter,
  resource: R,
  namespace: string,
  name: string,
): Promise<RoutingObject<R> | null> {
  let o: K8sObject;
  try {
    o = await writer.get(routingDef(resource), namespace, name);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return null;
    throw err;
  }
  return typedLive(resource, o);
}

/** A 409 that carries the object as it is now, so the form can show what changed. */
export function conflict(message: string, current: IstioObject | null, details?: unknown): HttpError {
  return new HttpError(409, 'conflict', message, {
    ...(typeof details === 'object' && details !== null ? details : {}),
    current,
  });
}

const label = (c: ObjectChange): string =>
  `${routingDef(c.resource).kind} ${(c.after ?? c.before)?.metadata.namespace ?? ''}/${c.name}`;

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

/** The live routing objects of a service the person is about to change. */
async function loadRouting(deps: AppDeps, req: Request, ns: string, svc: string) {
  const config = viewerOf(req).cache.meshConfig();
  const service = config.services.find((s) => s.name === svc && s.namespace === ns);
  if (!service) throw new HttpError(404, 'not_found', `No service ${ns}/${svc}.`);
  const writer = deps.writerFor(viewerOf(req).credentials);
  const vsName = pickVirtualService(virtualServicesFor(config, svc, ns), service)?.metadata.name;
  const drName = pickDestinationRule(destinationRulesFor(config, svc, ns), service)?.metadata.name;
  const [vs, dr] = await Promise.all([
    vsName ? readLive(writer, 'virtualservices', ns, vsName) : null,
    drName ? readLive(writer, 'destinationrules', ns, drName) : null,
  ]);
  return { config, service, writer, vs, dr };
}

/** Checked before anything is written, so a stale form never leaves a half-applied change. */
function checkResourceVersion(
  resourceVersion: string | undefined,
  current: IstioObject | null,
  ns: string,
  kind = 'VirtualService',
): void {
  if (resourceVersion === undefined || resourceVersion === current?.metadata.resourceVersion) return;
  throw conflict(
    current
      ? `${kind} ${ns}/${current.metadata.name} changed since the form loaded it (version ${resourceVersion}, now ${current.metadata.resourceVersion ?? '?'}). Review the change and apply again.`
      : `The ${kind} the form was built on is gone. Review and apply again.`,
    current,
  );
}

/**
 * Writes the steps in order (or dry-runs them), records an applied change in the history, and
 * answers the changes with their YAML diff.
 */
async function applySteps(
  deps: AppDeps,
  req: Request,
  history: ChangeHistory,
  /** `svc` absent: a change to the namespace, recorded without a service. */
  target: { ns: string; svc?: string; writer: ConfigWriter; dryRun: boolean },
  /** `after` null deletes the object, with `before`'s resourceVersion as the precondition. */
  steps: { resource: RoutingResource; name: string; before: IstioObject | null; after: IstioObject | null }[],
  record: { action: HistoryEntry['action']; summary: string },
): Promise<TrafficShiftResponse> {
  const { ns, svc, writer, dryRun } = target;
  const changes: ObjectChange[] = [];
  for (const step of steps) {
    const name = step.name;
    const saved = await writeChange(
      writer,
      ns,
      {
        resource: step.resource,
        name,
        after: step.after,
        resourceVersion: step.before?.metadata.resourceVersion,
      },
      dryRun,
    );
    changes.push({ resource: step.resource, name, before: step.before, after: saved });
  }
  const entry = dryRun
    ? undefined
    : await history.append({ user: actorOf(deps, req), namespace: ns, service: svc, ...record, changes });
  return TrafficShiftResponse.parse({
    applied: !dryRun,
    changes,
    diff: changesDiff(changes),
    historyId: entry?.id,
  });
}

const issuesError = (status: 400 | 422, issues: { message: string }[], extra: object = {}): HttpError =>
  new HttpError(status, status === 400 ? 'bad_request' : 'invalid', issues.map((i) => i.message).join(' '), {
    issues,
    ...extra,
  });

/**
 * `POST /api/namespaces/:ns/services/:svc/traffic-shift`: sets the weights of the service's
 * catch-all route, creating DestinationRule subsets from the version labels when there are none.
 * `POST .../route-policy`: its timeout, retries and fault injection.
 * `POST .../destination-policy`: the DestinationRule's TLS mode, load balancer, connection pool, outlier detection.
 * `DELETE .../routing?resourceVersion=`: removes its VirtualService (DestinationRules stay).
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
    if (shapeIssues.length > 0) throw issuesError(400, shapeIssues);

    const { config, service, writer, vs, dr } = await loadRouting(deps, req, ns, svc);
    checkResourceVersion(body.resourceVersion, vs, ns);
    const subsets = availableSubsets(dr ?? undefined, workloadsBehind(service, config.workloads));
    const names = subsets.subsets.map((s) => s.name);
    const missing = validateWeights(body.weights, names).filter((i) => i.code === 'unknown_subset');
    if (missing.length > 0) throw issuesError(422, missing, { subsets: names });

    const plan = planTrafficShift({
      service,
      weights: body.weights,
      virtualService: vs ?? undefined,
      destinationRule: dr ?? undefined,
      subsets,
    });
    // Subsets first: the route must never name a subset that does not exist yet.
    const steps = [
      ...(plan.destinationRule
        ? [
            {
              resource: 'destinationrules' as const,
              name: plan.destinationRule.after.metadata.name,
              ...plan.destinationRule,
            },
          ]
        : []),
      {
        resource: 'virtualservices' as const,
        name: plan.virtualService.after.metadata.name,
        ...plan.virtualService,
      },
    ];
    const summary = Object.entries(body.weights)
      .map(([s, w]) => `${s} ${w}%`)
      .join(', ');
    res.json(
      await applySteps(deps, req, history, { ns, svc, writer, dryRun }, steps, {
        action: 'traffic-shift',
        summary,
      }),
    );
  });

  /** A policy kept in one object of the service: parse, validate, plan on the live object, apply. */
  const policyEndpoint = <P, T extends VirtualService | DestinationRule>(
    kind: 'route-policy' | 'destination-policy',
    parse: (body: unknown) => { policy: P; resourceVersion?: string },
    validate: (policy: P) => { message: string }[],
    resource: 'virtualservices' | 'destinationrules',
    /** The live object the policy lives in, out of the service's routing objects. */
    pick: (routing: { vs: VirtualService | null; dr: DestinationRule | null }) => T | null,
    plan: (service: ServiceInfo, current: T | undefined, policy: P) => { before: T | null; after: T },
    describe: (policy: P) => string,
  ) =>
    router.post(`/namespaces/:ns/services/:svc/${kind}`, async (req, res) => {
      refuseIfReadOnly(deps);
      const { ns, svc } = ServiceParams.parse(req.params);
      const { dryRun } = DryRun.parse(req.query);
      const body = parse(req.body);
      const issues = validate(body.policy);
      if (issues.length > 0) throw issuesError(400, issues);
      const { service, writer, vs, dr } = await loadRouting(deps, req, ns, svc);
      const current = pick({ vs, dr });
      checkResourceVersion(body.resourceVersion, current, ns, routingDef(resource).kind);
      const planned = plan(service, current ?? undefined, body.policy);
      const step = { resource, name: planned.after.metadata.name, ...planned };
      res.json(
        await applySteps(deps, req, history, { ns, svc, writer, dryRun }, [step], {
          action: kind,
          summary: describe(body.policy),
        }),
      );
    });
  policyEndpoint(
    'route-policy',
    (b) => RoutePolicyRequest.parse(b),
    validateRoutePolicy,
    'virtualservices',
    (r) => r.vs,
    (service, virtualService, policy) => planRoutePolicy({ service, virtualService, policy }),
    describePolicy,
  );
  policyEndpoint(
    'destination-policy',
    (b) => DestinationPolicyRequest.parse(b),
    validateDestinationPolicy,
    'destinationrules',
    (r) => r.dr,
    (service, destinationRule, policy) => planDestinationPolicy({ service, destinationRule, policy }),
    describeDestinationPolicy,
  );

  router.post('/namespaces/:ns/services/:svc/request-routing', async (req, res) => {
    refuseIfReadOnly(deps);
    const { ns, svc } = ServiceParams.parse(req.params);
    const { dryRun } = DryRun.parse(req.query);
    const body = RequestRoutingRequest.parse(req.body);
    const shapeIssues = validateRequestRouting(body.rules);
    if (shapeIssues.length > 0) throw issuesError(400, shapeIssues);

    const { config, service, writer, vs, dr } = await loadRouting(deps, req, ns, svc);
    checkResourceVersion(body.resourceVersion, vs, ns);
    const subsets = availableSubsets(dr ?? undefined, workloadsBehind(service, config.workloads));
    const names = subsets.subsets.map((s) => s.name);
    const missing = validateRequestRouting(body.rules, names);
    if (missing.length > 0) throw issuesError(422, missing, { subsets: names });

    const derived = planDerivedSubsets(service, dr ?? undefined, subsets);
    const planned = planRequestRouting({ service, virtualService: vs ?? undefined, rules: body.rules });
    // Subsets first: a rule must never name a subset that does not exist yet.
    const steps = [
      ...(derived
        ? [{ resource: 'destinationrules' as const, name: derived.after.metadata.name, ...derived }]
        : []),
      { resource: 'virtualservices' as const, name: planned.after.metadata.name, ...planned },
    ];
    res.json(
      await applySteps(deps, req, history, { ns, svc, writer, dryRun }, steps, {
        action: 'request-routing',
        summary: describeRules(body.rules),
      }),
    );
  });

  /**
   * `POST /api/namespaces/:ns/peer-authentication`: creates or updates the namespace's (or, with
   * `workload`, a workload's) PeerAuthentication with the mTLS mode; recorded under the namespace.
   */
  router.post('/namespaces/:ns/peer-authentication', async (req, res) => {
    refuseIfReadOnly(deps);
    const { ns } = z.object({ ns: NamespaceName }).parse(req.params);
    const { dryRun } = DryRun.parse(req.query);
    const body = PeerAuthenticationRequest.parse(req.body);
    const issues = validatePeerAuthentication(body);
    if (issues.length > 0) throw issuesError(400, issues);
    const writer = deps.writerFor(viewerOf(req).credentials);
    const name = peerAuthenticationName(body);
    const current = await readLive(writer, 'peerauthentications', ns, name);
    checkResourceVersion(body.resourceVersion, current, ns, 'PeerAuthentication');
    const planned = planPeerAuthentication({ namespace: ns, current: current ?? undefined, request: body });
    const selector = body.workload
      ? Object.entries(body.workload.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')
      : undefined;
    res.json(
      await applySteps(
        deps,
        req,
        history,
        { ns, writer, dryRun },
        [{ resource: 'peerauthentications', name, ...planned }],
        {
          action: 'peer-authentication',
          summary: `mTLS ${body.mode} for ${selector ? `workloads ${selector}` : `namespace ${ns}`}`,
        },
      ),
    );
  });

  router.delete('/namespaces/:ns/services/:svc/routing', async (req, res) => {
    refuseIfReadOnly(deps);
    const { ns, svc } = ServiceParams.parse(req.params);
    const { dryRun } = DryRun.parse(req.query);
    const { resourceVersion } = z.object({ resourceVersion: z.string().min(1).optional() }).parse(req.query);
    NoBody.parse(req.body);
    const { writer, vs } = await loadRouting(deps, req, ns, svc);
    if (!vs)
      throw new HttpError(
        404,
        'not_found',
        `No VirtualService routes ${ns}/${svc}; there is nothing to remove.`,
      );
    checkResourceVersion(resourceVersion, vs, ns);
    res.json(
      await applySteps(
        deps,
        req,
        history,
        { ns, svc, writer, dryRun },
        [{ resource: 'virtualservices', name: vs.metadata.name, before: vs, after: null }],
        { action: 'remove-routing', summary: `removed VirtualService ${vs.metadata.name}` },
      ),
    );
  });
  return router;
}

/** One line for the history: `timeout 2s, 3 retries, abort 503 for 10%`. */
export function describePolicy(p: RoutePolicy): string {
  const parts: string[] = [];
  if (p.timeout) parts.push(`timeout ${p.timeout}`);
  if (p.retries) parts.push(`${p.retries.attempts} retries`);
  if (p.fault?.delay) parts.push(`delay ${p.fault.delay.fixedDelay} for ${p.fault.delay.percent}%`);
  if (p.fault?.abort) parts.push(`abort ${p.fault.abort.httpStatus} for ${p.fault.abort.percent}%`);
  return parts.length > 0 ? parts.join(', ') : 'no timeout, retries or faults';
}

/** One line for the history: `TLS ISTIO_MUTUAL, eject after 5 errors`. */
export function describeDestinationPolicy(p: DestinationPolicy): string {
  const parts: string[] = [];
  if (p.tlsMode) parts.push(`TLS ${p.tlsMode}`);
  if (p.loadBalancer) parts.push(`load balancer ${p.loadBalancer}`);
  if (p.connectionPool?.maxConnections) parts.push(`max ${p.connectionPool.maxConnections} connections`);
  if (p.connectionPool?.http1MaxPendingRequests)
    parts.push(`max ${p.connectionPool.http1MaxPendingRequests} pending`);
  if (p.outlierDetection) parts.push(`eject after ${p.outlierDetection.consecutive5xxErrors} errors`);
  return parts.length > 0 ? parts.join(', ') : 'no traffic policy';
}

/** One line for the history: `header end-user=jason → v2; uri prefix /api → v1 50%, v3 50%`. */
export function describeRules(rules: RequestRule[]): string {
  if (rules.length === 0) return 'no request-routing rules (default route only)';
  const matchText = (kind: string, m: Record<string, string>): string =>
    Object.entries(m)
      .map(([how, v]) => (how === 'exact' ? `${kind}=${v}` : `${kind} ${how} ${v}`))
      .join('');
  return rules
    .map((r) => {
      const conds = [
        ...Object.entries(r.match?.headers ?? {}).map(([n, m]) => matchText(`header ${n}`, m)),
        ...(r.match?.uri ? [matchText('uri', r.match.uri)] : []),
        ...(r.match?.method ? [matchText('method', r.match.method)] : []),
      ];
      const to =
        'subset' in r.route
          ? r.route.subset
          : Object.entries(r.route.weights)
              .map(([s, w]) => `${s} ${w}%`)
              .join(', ');
      return `${conds.join(' and ')} → ${to}`;
    })
    .join('; ');
}
