import { DEFAULT_CLUSTER_DOMAIN, hostNamesService, type ServiceRef } from '../istio/hosts';
import type { HttpMatchRequest, HttpRoute, L4Route, VirtualService } from '../istio/virtualService';
import type { Weights } from './weights';

/** An HTTP route of a VirtualService and where it sits in `spec.http`. */
export interface IndexedHttpRoute {
  index: number;
  route: HttpRoute;
}

export interface DefaultRouteOptions {
  /** Kubernetes cluster domain for FQDN hosts; `cluster.local` unless told. */
  clusterDomain?: string;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** A match block (`spec.http[i].match[j]`) that lets every request through. */
function matchBlockIsEverything(m: HttpMatchRequest): boolean {
  for (const [key, value] of Object.entries(m)) {
    // `name` labels the block and `ignoreUriCase` only relaxes the uri condition.
    if (key === 'name' || key === 'ignoreUriCase') continue;
    if (key === 'uri') {
      if (isEmpty(value) || m.uri?.prefix === '/' || m.uri?.regex === '.*') continue;
      return false;
    }
    // An empty map or list (`headers: {}`) adds no condition; anything else narrows the block.
    if (!isEmpty(value)) return false;
  }
  return true;
}

/**
 * True when an HTTP route takes every request that reaches it: no `match`, an empty `match`,
 * or a match block without conditions (only `name`, `uri.prefix: /`, `uri.regex: .*`, empty
 * maps). Match blocks are alternatives, so one such block is enough.
 */
export function matchesEveryRequest(route: HttpRoute): boolean {
  if (!route.match || route.match.length === 0) return true;
  return route.match.some(matchBlockIsEverything);
}

/**
 * The VirtualService applies to sidecar traffic: no `gateways`, or `mesh` among them. Routes of a
 * VirtualService bound only to ingress gateways never carry mesh-internal requests.
 */
export function appliesToMesh(vs: VirtualService): boolean {
  const gateways = vs.spec?.gateways ?? [];
  return gateways.length === 0 || gateways.includes('mesh');
}

/**
 * True when one of the route's destinations is the service (its host written in the
 * VirtualService's namespace `vsNamespace`: short name, name.ns, name.ns.svc or FQDN).
 */
export function routeSendsToService(
  route: HttpRoute | L4Route,
  vsNamespace: string,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): boolean {
  return (route.route ?? []).some((d) => hostNamesService(d.destination.host, vsNamespace, service, options));
}

/**
 * True when the VirtualService's `hosts` cover the service (wildcards included), each host read
 * in the VirtualService's namespace. A VirtualService without hosts (a delegate) is applied
 * through its parent, which already chose the host, so it counts as covering.
 */
export function virtualServiceCoversService(
  vs: VirtualService,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): boolean {
  const hosts = vs.spec?.hosts ?? [];
  if (hosts.length === 0) return true;
  const ns = vs.metadata.namespace ?? service.namespace;
  return hosts.some((h) => hostNamesService(h, ns, service, { ...options, wildcards: true }));
}

/** The VirtualService carries the service's sidecar traffic: bound to `mesh`, hosts covering it. */
const routesService = (vs: VirtualService | undefined, service: ServiceRef, options: DefaultRouteOptions) =>
  vs !== undefined && appliesToMesh(vs) && virtualServiceCoversService(vs, service, options);

/**
 * THE rule for a service's default route, used by the graph (configured weights, drift), the
 * forms (traffic shift, route policy, request routing), the planners and the validations.
 *
 * The default route is the HTTP route that takes the service's requests no header, URI or other
 * match singled out: the FIRST route of `spec.http` that matches every request (see
 * `matchesEveryRequest`), provided it sends to the service. Istio tries routes in order, so that
 * route receives everything the match routes before it leave; any route after it can never match
 * (validation SX1006 says so), which is why in a valid VirtualService the default route is the
 * last one.
 *
 * Undefined when:
 * - the VirtualService is bound only to ingress gateways (no `mesh`), or its `hosts` do not cover
 *   the service (`hosts` may be `reviews`, `reviews.bookinfo`, `reviews.bookinfo.svc`, the FQDN,
 *   or a wildcard, each read in the VirtualService's namespace);
 * - no route matches every request: e.g. a VirtualService whose only rule is
 *   `end-user=jason → v2` has no default route, and requests without the header fall through to
 *   the service's plain Kubernetes load balancing (no configured weights);
 * - the first catch-all route sends elsewhere (the service's requests go to that other host).
 *
 * Short hosts are read in the VirtualService's `metadata.namespace` (the service's namespace when
 * absent).
 */
export function defaultHttpRoute(
  vs: VirtualService | undefined,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): IndexedHttpRoute | undefined {
  if (!vs || !routesService(vs, service, options)) return undefined;
  const http = vs.spec?.http ?? [];
  const index = http.findIndex(matchesEveryRequest);
  const route = http[index];
  if (!route) return undefined;
  const ns = vs.metadata.namespace ?? service.namespace;
  return routeSendsToService(route, ns, service, options) ? { index, route } : undefined;
}

/**
 * The service's other HTTP routes (those sending to it besides the default route): `rules`, the
 * match routes before the first catch-all, which the request-routing form shows and replaces;
 * `unreachable`, those after it, which can never match (validation SX1006) and which the form's
 * apply drops.
 */
export function serviceMatchRoutes(
  vs: VirtualService | undefined,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): { rules: IndexedHttpRoute[]; unreachable: IndexedHttpRoute[] } {
  const out = { rules: [] as IndexedHttpRoute[], unreachable: [] as IndexedHttpRoute[] };
  if (!vs || !routesService(vs, service, options)) return out;
  const ns = vs.metadata.namespace ?? service.namespace;
  let reachable = true;
  (vs.spec?.http ?? []).forEach((route, index) => {
    const catchAll = matchesEveryRequest(route);
    if (routeSendsToService(route, ns, service, options) && !(catchAll && reachable)) {
      (reachable ? out.rules : out.unreachable).push({ index, route });
    }
    if (catchAll) reachable = false;
  });
  return out;
}

/**
 * The service's default HTTP route in a VirtualService, see `defaultHttpRoute`; the
 * route the traffic-shift and route-policy forms edit.
 */
export function catchAllRoute(
  vs: VirtualService | undefined,
  service: string,
  namespace: string,
): HttpRoute | undefined {
  return defaultHttpRoute(vs, { name: service, namespace })?.route;
}

/**
 * The weights a VirtualService gives the service's subsets on its default
 * route. Undefined when there is no such route; a lone destination counts 100. Destinations to
 * other hosts or without a subset are left out.
 */
export function configuredWeights(
  vs: VirtualService | undefined,
  service: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): Weights | undefined {
  const svc = { name: service, namespace };
  const found = defaultHttpRoute(vs, svc, { clusterDomain });
  if (!found) return undefined;
  const ns = vs?.metadata.namespace ?? namespace;
  const dests = found.route.route ?? [];
  const out: Weights = {};
  for (const { destination, weight } of dests) {
    const subset = destination.subset;
    if (subset === undefined || !hostNamesService(destination.host, ns, svc, { clusterDomain })) continue;
    out[subset] = (out[subset] ?? 0) + (weight ?? (dests.length === 1 ? 100 : 0));
  }
  return out;
}
