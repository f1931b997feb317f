import { DEFAULT_CLUSTER_DOMAIN, hostNamesService, type ServiceRef } from '../istio/hosts';
import type { Weights } from './weights';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** One HTTP route of a VirtualService (`spec.http[i]`), as JSON. */
export type HttpRouteJson = Record<string, unknown>;

/** The service's default route in a VirtualService, and where it sits in `spec.http`. */
export interface DefaultHttpRoute {
  index: number;
  route: HttpRouteJson;
}

export interface DefaultRouteOptions {
  /** Kubernetes cluster domain for FQDN hosts; `cluster.local` unless told. */
  clusterDomain?: string;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || (isRecord(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);

/** A match block (`spec.http[i].match[j]`) that lets every request through. */
function matchBlockIsEverything(m: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(m)) {
    // `name` labels the block and `ignoreUriCase` only relaxes the uri condition.
    if (key === 'name' || key === 'ignoreUriCase') continue;
    if (key === 'uri') {
      if (isEmpty(value)) continue;
      if (isRecord(value) && (value.prefix === '/' || value.regex === '.*')) continue;
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
export function matchesEveryRequest(route: unknown): boolean {
  if (!isRecord(route)) return false;
  if (!Array.isArray(route.match) || route.match.length === 0) return true;
  return records(route.match).some(matchBlockIsEverything);
}

/**
 * The VirtualService applies to sidecar traffic: no `gateways`, or `mesh` among them. Routes of a
 * VirtualService bound only to ingress gateways never carry mesh-internal requests.
 */
export function appliesToMesh(vs: unknown): boolean {
  const spec = isRecord(vs) ? vs.spec : undefined;
  const gateways = strings(isRecord(spec) ? spec.gateways : undefined);
  return gateways.length === 0 || gateways.includes('mesh');
}

const namespaceOf = (vs: unknown, fallback: string): string => {
  const meta = isRecord(vs) ? vs.metadata : undefined;
  return isRecord(meta) && typeof meta.namespace === 'string' ? meta.namespace : fallback;
};

/**
 * True when one of the route's destinations is the service (its host written in the
 * VirtualService's namespace `vsNamespace`: short name, name.ns, name.ns.svc or FQDN).
 */
export function routeSendsToService(
  route: unknown,
  vsNamespace: string,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): boolean {
  if (!isRecord(route)) return false;
  return records(route.route).some((d) => {
    const host = isRecord(d.destination) ? d.destination.host : undefined;
    return typeof host === 'string' && hostNamesService(host, vsNamespace, service, options);
  });
}

/**
 * True when the VirtualService's `hosts` cover the service (wildcards included), each host read
 * in the VirtualService's namespace. A VirtualService without hosts (a delegate) is applied
 * through its parent, which already chose the host, so it counts as covering.
 */
export function virtualServiceCoversService(
  vs: unknown,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): boolean {
  const spec = isRecord(vs) ? vs.spec : undefined;
  const hosts = strings(isRecord(spec) ? spec.hosts : undefined);
  if (hosts.length === 0) return true;
  const ns = namespaceOf(vs, service.namespace);
  return hosts.some((h) => hostNamesService(h, ns, service, { ...options, wildcards: true }));
}

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
 * `vs` is the object as JSON (`metadata.namespace` names the namespace its short hosts are read
 * in; the service's namespace when absent).
 */
export function defaultHttpRoute(
  vs: unknown,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): DefaultHttpRoute | undefined {
  if (!isRecord(vs) || !appliesToMesh(vs) || !virtualServiceCoversService(vs, service, options)) {
    return undefined;
  }
  const spec = isRecord(vs.spec) ? vs.spec : {};
  const http: unknown[] = Array.isArray(spec.http) ? spec.http : [];
  const index = http.findIndex(matchesEveryRequest);
  const route = http[index];
  if (index < 0 || !isRecord(route)) return undefined;
  const ns = namespaceOf(vs, service.namespace);
  return routeSendsToService(route, ns, service, options) ? { index, route } : undefined;
}

/**
 * The service's other HTTP routes (those sending to it besides the default route): `rules`, the
 * match routes before the first catch-all, which the request-routing form shows and replaces;
 * `unreachable`, those after it, which can never match (validation SX1006) and which the form's
 * apply drops.
 */
export function serviceMatchRoutes(
  vs: unknown,
  service: ServiceRef,
  options: DefaultRouteOptions = {},
): { rules: DefaultHttpRoute[]; unreachable: DefaultHttpRoute[] } {
  const out = { rules: [] as DefaultHttpRoute[], unreachable: [] as DefaultHttpRoute[] };
  if (!isRecord(vs) || !appliesToMesh(vs) || !virtualServiceCoversService(vs, service, options)) return out;
  const spec = isRecord(vs.spec) ? vs.spec : {};
  const http: unknown[] = Array.isArray(spec.http) ? spec.http : [];
  const ns = namespaceOf(vs, service.namespace);
  let reachable = true;
  http.forEach((route, index) => {
    if (!isRecord(route)) return;
    const catchAll = matchesEveryRequest(route);
    if (routeSendsToService(route, ns, service, options) && !(catchAll && reachable)) {
      (reachable ? out.rules : out.unreachable).push({ index, route });
    }
    if (catchAll) reachable = false;
  });
  return out;
}

/**
 * The service's default HTTP route in a VirtualService (as JSON), see `defaultHttpRoute`; the
 * route the traffic-shift and route-policy forms edit.
 */
export function catchAllRoute(vs: unknown, service: string, namespace: string): HttpRouteJson | undefined {
  return defaultHttpRoute(vs, { name: service, namespace })?.route;
}

/**
 * The weights a VirtualService (the object, as JSON) gives the service's subsets on its default
 * route. Undefined when there is no such route; a lone destination counts 100. Destinations to
 * other hosts or without a subset are left out.
 */
export function configuredWeights(
  vs: unknown,
  service: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): Weights | undefined {
  const svc = { name: service, namespace };
  const found = defaultHttpRoute(vs, svc, { clusterDomain });
  if (!found) return undefined;
  const ns = namespaceOf(vs, namespace);
  const dests = records(found.route.route);
  const out: Weights = {};
  for (const d of dests) {
    const dest = isRecord(d.destination) ? d.destination : {};
    if (typeof dest.host !== 'string' || typeof dest.subset !== 'string') continue;
    if (!hostNamesService(dest.host, ns, svc, { clusterDomain })) continue;
    out[dest.subset] =
      (out[dest.subset] ?? 0) + (typeof d.weight === 'number' ? d.weight : dests.length === 1 ? 100 : 0);
  }
  return out;
}
