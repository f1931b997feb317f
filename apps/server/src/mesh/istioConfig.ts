import { defaultHttpRoute, hostNamesService, type Badge, type ConfigRef } from '@sextant/shared';
import { hostMatches, resolveHost, selectorMatches, serviceFqdn } from './hosts';
import type { IstioObject, MeshConfig, ServiceInfo } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asRecords = (v: unknown): Record<string, unknown>[] => asArray(v).filter(isRecord);
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const asStringMap = (v: unknown): Record<string, string> | undefined => {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

const nsOf = (o: IstioObject): string => o.metadata.namespace ?? 'default';
export const refOf = (o: IstioObject): ConfigRef => ({
  kind: o.kind,
  namespace: nsOf(o),
  name: o.metadata.name,
});

/**
 * VirtualServices whose `hosts` name the service (resolved in each VirtualService's namespace).
 * Wildcard hosts (`*`, `*.example.com`) are left out: they are a gateway's catch-all routing
 * (bookinfo-gateway's `hosts: ["*"]`), not rules about this service.
 */
export function virtualServicesFor(config: MeshConfig, service: string, namespace: string): IstioObject[] {
  const svc = { name: service, namespace };
  return config.virtualServices.filter((vs) =>
    asArray(vs.spec?.hosts).some((h) => typeof h === 'string' && hostNamesService(h, nsOf(vs), svc)),
  );
}

/** DestinationRules whose `host` covers the service; one in the service's own namespace first. */
export function destinationRulesFor(config: MeshConfig, service: string, namespace: string): IstioObject[] {
  const fqdn = serviceFqdn(service, namespace);
  return config.destinationRules
    .filter((dr) => {
      const host = asString(dr.spec?.host);
      return host !== undefined && hostMatches(resolveHost(host, nsOf(dr)), fqdn);
    })
    .sort((a, b) => Number(nsOf(b) === namespace) - Number(nsOf(a) === namespace));
}

/** ServiceEntries that declare `host` (a ServiceEntry host or a Kubernetes service FQDN). */
export function serviceEntriesFor(config: MeshConfig, host: string, namespace: string): IstioObject[] {
  const fqdn = resolveHost(host, namespace);
  return config.serviceEntries.filter((se) =>
    asArray(se.spec?.hosts).some((h) => typeof h === 'string' && hostMatches(h, fqdn)),
  );
}

const hasTrafficPolicyCB = (policy: unknown): boolean =>
  isRecord(policy) &&
  (isRecord(policy.connectionPool) ||
    isRecord(policy.outlierDetection) ||
    asRecords(policy.portLevelSettings).some(
      (p) => isRecord(p.connectionPool) || isRecord(p.outlierDetection),
    ));

/** Badges a service node carries because of VirtualServices and DestinationRules on it. */
export function serviceBadges(virtualServices: IstioObject[], destinationRules: IstioObject[]): Badge[] {
  const badges = new Set<Badge>();
  if (virtualServices.length > 0) badges.add('VS');
  for (const vs of virtualServices) {
    const spec = vs.spec ?? {};
    for (const route of asRecords(spec.http)) {
      if (asRecords(route.route).length > 1) badges.add('TS');
      if (isRecord(route.fault)) badges.add('FI');
      if (route.timeout !== undefined || isRecord(route.retries)) badges.add('TO');
      if (isRecord(route.mirror) || asRecords(route.mirrors).length > 0) badges.add('MI');
    }
    for (const route of [...asRecords(spec.tcp), ...asRecords(spec.tls)]) {
      if (asRecords(route.route).length > 1) badges.add('TS');
    }
  }
  for (const dr of destinationRules) {
    const spec = dr.spec ?? {};
    if (
      hasTrafficPolicyCB(spec.trafficPolicy) ||
      asRecords(spec.subsets).some((s) => hasTrafficPolicyCB(s.trafficPolicy))
    ) {
      badges.add('CB');
    }
  }
  return [...badges];
}

/** Gateways whose `selector` picks pods with these labels. */
export function gatewaysSelecting(config: MeshConfig, labels: Record<string, string>): IstioObject[] {
  return config.gateways.filter((gw) => selectorMatches(asStringMap(gw.spec?.selector), labels));
}

/**
 * Security and proxy objects that apply to pods with these labels in `namespace`: those selecting
 * them, and the namespace-wide ones (no selector).
 */
export function workloadPolicies(
  config: MeshConfig,
  namespace: string,
  labels: Record<string, string>,
): IstioObject[] {
  const applies = (o: IstioObject, selectorField: 'selector' | 'workloadSelector'): boolean => {
    if (nsOf(o) !== namespace) return false;
    const sel = o.spec?.[selectorField];
    if (!isRecord(sel)) return true;
    const match = asStringMap(selectorField === 'selector' ? sel.matchLabels : sel.labels);
    return match === undefined || Object.keys(match).length === 0 || selectorMatches(match, labels);
  };
  return [
    ...config.peerAuthentications.filter((o) => applies(o, 'selector')),
    ...config.authorizationPolicies.filter((o) => applies(o, 'selector')),
    ...config.requestAuthentications.filter((o) => applies(o, 'selector')),
    ...config.sidecars.filter((o) => applies(o, 'workloadSelector')),
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
    const spec = vs.spec ?? {};
    const route =
      asRecords(spec.http).length > 0 ? defaultHttpRoute(vs, service)?.route : asRecords(spec.tcp)[0];
    if (!route) continue;
    const dests = asRecords(route.route);
    const out: ConfiguredDestination[] = [];
    for (const d of dests) {
      const dest = isRecord(d.destination) ? d.destination : {};
      const host = asString(dest.host);
      if (host === undefined || !hostNamesService(host, nsOf(vs), service)) continue;
      const subset = asString(dest.subset);
      const weight = typeof d.weight === 'number' ? d.weight : dests.length === 1 ? 100 : 0;
      let subsetLabels: Record<string, string> | null = subset === undefined ? {} : null;
      if (subset !== undefined) {
        for (const dr of drs) {
          const s = asRecords(dr.spec?.subsets).find((x) => x.name === subset);
          if (s) {
            subsetLabels = asStringMap(s.labels) ?? {};
            break;
          }
        }
      }
      out.push({ subset, subsetLabels, weight });
    }
    if (out.length > 0) return out;
  }
  return [];
}
