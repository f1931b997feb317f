import { defaultHttpRoute, hostNamesService, resolveHost, type Badge, type ConfigRef } from '@sextant/shared';
import type {
  AuthorizationPolicy,
  DestinationRule,
  Gateway,
  L4Route,
  HttpRoute,
  PeerAuthentication,
  RequestAuthentication,
  ServiceEntry,
  Sidecar,
  TrafficPolicy,
  VirtualService,
} from '@sextant/shared';
import { hostMatches, selectorMatches, serviceFqdn } from './hosts';
import type { MeshConfig, ServiceInfo } from './types';

/** Kind, namespace and name: all a reference to an Istio object needs. */
interface ObjectIdentity {
  kind: string;
  metadata: { name: string; namespace?: string };
}

const nsOf = (o: ObjectIdentity): string => o.metadata.namespace ?? 'default';
export const refOf = (o: ObjectIdentity): ConfigRef => ({
  kind: o.kind,
  namespace: nsOf(o),
  name: o.metadata.name,
});

/**
 * VirtualServices whose `hosts` name the service (resolved in each VirtualService's namespace).
 * Wildcard hosts (`*`, `*.example.com`) are left out: they are a gateway's catch-all routing
 * (bookinfo-gateway's `hosts: ["*"]`), not rules about this service.
 */
export function virtualServicesFor(config: MeshConfig, service: string, namespace: string): VirtualService[] {
  const svc = { name: service, namespace };
  return config.virtualServices.filter((vs) =>
    (vs.spec?.hosts ?? []).some((h) => hostNamesService(h, nsOf(vs), svc)),
  );
}

/** DestinationRules whose `host` covers the service; one in the service's own namespace first. */
export function destinationRulesFor(
  config: MeshConfig,
  service: string,
  namespace: string,
): DestinationRule[] {
  const fqdn = serviceFqdn(service, namespace);
  return config.destinationRules
    .filter((dr) => {
      const host = dr.spec?.host;
      return host !== undefined && hostMatches(resolveHost(host, nsOf(dr)), fqdn);
    })
    .sort((a, b) => Number(nsOf(b) === namespace) - Number(nsOf(a) === namespace));
}

/** ServiceEntries that declare `host` (a ServiceEntry host or a Kubernetes service FQDN). */
export function serviceEntriesFor(config: MeshConfig, host: string, namespace: string): ServiceEntry[] {
  const fqdn = resolveHost(host, namespace);
  return config.serviceEntries.filter((se) => (se.spec?.hosts ?? []).some((h) => hostMatches(h, fqdn)));
}

const hasTrafficPolicyCB = (policy: TrafficPolicy | undefined): boolean =>
  policy !== undefined &&
  (policy.connectionPool !== undefined ||
    policy.outlierDetection !== undefined ||
    (policy.portLevelSettings ?? []).some(
      (p) => p.connectionPool !== undefined || p.outlierDetection !== undefined,
    ));

/** Badges a service node carries because of VirtualServices and DestinationRules on it. */
export function serviceBadges(
  virtualServices: VirtualService[],
  destinationRules: DestinationRule[],
): Badge[] {
  const badges = new Set<Badge>();
  if (virtualServices.length > 0) badges.add('VS');
  for (const vs of virtualServices) {
    const spec = vs.spec ?? {};
    for (const route of spec.http ?? []) {
      if ((route.route ?? []).length > 1) badges.add('TS');
      if (route.fault) badges.add('FI');
      if (route.timeout !== undefined || route.retries) badges.add('TO');
      if (route.mirror || (route.mirrors ?? []).length > 0) badges.add('MI');
    }
    for (const route of [...(spec.tcp ?? []), ...(spec.tls ?? [])]) {
      if ((route.route ?? []).length > 1) badges.add('TS');
    }
  }
  for (const dr of destinationRules) {
    const spec = dr.spec ?? {};
    if (
      hasTrafficPolicyCB(spec.trafficPolicy) ||
      (spec.subsets ?? []).some((s) => hasTrafficPolicyCB(s.trafficPolicy))
    ) {
      badges.add('CB');
    }
  }
  return [...badges];
}

/** Gateways whose `selector` picks pods with these labels. */
export function gatewaysSelecting(config: MeshConfig, labels: Record<string, string>): Gateway[] {
  return config.gateways.filter((gw) => selectorMatches(gw.spec?.selector, labels));
}

/** A PeerAuthentication, AuthorizationPolicy, RequestAuthentication or Sidecar. */
export type WorkloadPolicy = PeerAuthentication | AuthorizationPolicy | RequestAuthentication | Sidecar;

/**
 * Security and proxy objects that apply to pods with these labels in `namespace`: those selecting
 * them, and the namespace-wide ones (no selector).
 */
export function workloadPolicies(
  config: MeshConfig,
  namespace: string,
  labels: Record<string, string>,
): WorkloadPolicy[] {
  const applies = (o: WorkloadPolicy, match: Record<string, string> | undefined): boolean =>
    nsOf(o) === namespace &&
    (match === undefined || Object.keys(match).length === 0 || selectorMatches(match, labels));
  return [
    ...config.peerAuthentications.filter((o) => applies(o, o.spec?.selector?.matchLabels)),
    ...config.authorizationPolicies.filter((o) => applies(o, o.spec?.selector?.matchLabels)),
    ...config.requestAuthentications.filter((o) => applies(o, o.spec?.selector?.matchLabels)),
    ...config.sidecars.filter((o) => applies(o, o.spec?.workloadSelector?.labels)),
  ];
}

/** One weighted destination of the route that takes a service's default traffic. */
export interface ConfiguredDestination {
  /** Subset name, or undefined for the whole service. */
  subset?: string;
  /** Pod labels the subset adds to the service selector (from the DestinationRule); null when no DestinationRule defines the subset. */
  subsetLabels: Record<string, string> | null;
  weight: number;
}

/**
 * The weights the VirtualServices configure for the service's default route (the HTTP route
 * `defaultHttpRoute` in packages/shared picks; for a VirtualService without HTTP routes, its first
 * TCP route), restricted to destinations that are this service. Empty when no VirtualService gives
 * the service a default route: a VirtualService whose only rule is `end-user=jason → v2` configures
 * no split, so the graph shows no configured weight and no drift for it.
 */
export function configuredDestinations(config: MeshConfig, service: ServiceInfo): ConfiguredDestination[] {
  const drs = destinationRulesFor(config, service.name, service.namespace);
  for (const vs of virtualServicesFor(config, service.name, service.namespace)) {
    const http = vs.spec?.http ?? [];
    const route: HttpRoute | L4Route | undefined =
      http.length > 0 ? defaultHttpRoute(vs, service)?.route : vs.spec?.tcp?.[0];
    if (!route) continue;
    const dests = route.route ?? [];
    const out: ConfiguredDestination[] = [];
    for (const { destination, weight } of dests) {
      if (!hostNamesService(destination.host, nsOf(vs), service)) continue;
      const subset = destination.subset;
      let subsetLabels: Record<string, string> | null = subset === undefined ? {} : null;
      if (subset !== undefined) {
        const defined = drs.flatMap((dr) => dr.spec?.subsets ?? []).find((s) => s.name === subset);
        if (defined) subsetLabels = defined.labels ?? {};
      }
      out.push({ subset, subsetLabels, weight: weight ?? (dests.length === 1 ? 100 : 0) });
    }
    if (out.length > 0) return out;
  }
  return [];
}
