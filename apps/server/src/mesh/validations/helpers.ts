import type { ConfigRef, Severity, Validation } from '@sextant/shared';
import { hostMatches, resolveHost, selectorMatches, serviceFqdn } from '../hosts';
import type { IstioObject, MeshConfig, ServiceInfo, WorkloadInfo } from '../types';

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const records = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter(isRecord) : [];
export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const stringMap = (v: unknown): Record<string, string> | undefined => {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
};

export const nsOf = (o: IstioObject): string => o.metadata.namespace ?? 'default';
export const sameObject = (a: IstioObject, b: IstioObject): boolean =>
  a.kind === b.kind && a.metadata.name === b.metadata.name && nsOf(a) === nsOf(b);
export const refKey = (r: ConfigRef): string => `${r.kind}/${r.namespace}/${r.name}`;

/** Istio's root namespace: a PeerAuthentication there without a selector applies to the whole mesh. */
export const ROOT_NAMESPACE = 'istio-system';

export const finding = (code: string, severity: Severity, path: string, message: string): Validation => ({
  code,
  severity,
  message,
  path,
});

/**
 * Lookups the checks share, built once per config snapshot. PERFORMANCE: without them, validating
 * a mesh of 1,000 VirtualServices and DestinationRules scanned every list per route (4.5 s).
 */
interface ConfigIndex {
  servicesByFqdn: Map<string, ServiceInfo>;
  workloadsByNs: Map<string, WorkloadInfo[]>;
  /** VirtualServices by each resolved, non-wildcard host. */
  virtualServicesByHost: Map<string, IstioObject[]>;
  /** DestinationRules by resolved host; wildcard hosts are kept apart and scanned. */
  destinationRulesByHost: Map<string, IstioObject[]>;
  wildcardDestinationRules: IstioObject[];
}

const indexes = new WeakMap<MeshConfig, ConfigIndex>();
const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

export function indexOf(config: MeshConfig): ConfigIndex {
  const cached = indexes.get(config);
  if (cached) return cached;
  const index: ConfigIndex = {
    servicesByFqdn: new Map(config.services.map((s) => [serviceFqdn(s.name, s.namespace), s])),
    workloadsByNs: new Map(),
    virtualServicesByHost: new Map(),
    destinationRulesByHost: new Map(),
    wildcardDestinationRules: [],
  };
  for (const w of config.workloads) push(index.workloadsByNs, w.namespace, w);
  for (const vs of config.virtualServices) {
    const hosts = new Set(
      strings(vs.spec?.hosts)
        .filter((h) => !h.includes('*'))
        .map((h) => resolveHost(h, nsOf(vs))),
    );
    for (const h of hosts) push(index.virtualServicesByHost, h, vs);
  }
  for (const dr of config.destinationRules) {
    const host = asString(dr.spec?.host);
    if (host === undefined) continue;
    if (host.includes('*')) index.wildcardDestinationRules.push(dr);
    else push(index.destinationRulesByHost, resolveHost(host, nsOf(dr)), dr);
  }
  indexes.set(config, index);
  return index;
}

/** Does `host` (written in `namespace`) name a Service or a ServiceEntry host we know? Wildcards pass. */
export function hostKnown(config: MeshConfig, host: string, namespace: string): boolean {
  if (host.includes('*')) return true;
  const fqdn = resolveHost(host, namespace);
  if (indexOf(config).servicesByFqdn.has(fqdn)) return true;
  return config.serviceEntries.some((se) =>
    strings(se.spec?.hosts).some((h) => hostMatches(h, fqdn) || hostMatches(resolveHost(h, nsOf(se)), fqdn)),
  );
}

/** The Kubernetes Service a host names, if any. */
export const serviceOfHost = (config: MeshConfig, host: string, namespace: string): ServiceInfo | undefined =>
  indexOf(config).servicesByFqdn.get(resolveHost(host, namespace));

/** DestinationRules whose host covers the service (same rule as istioConfig.destinationRulesFor). */
export function destinationRulesOf(config: MeshConfig, svc: ServiceInfo): IstioObject[] {
  const index = indexOf(config);
  const fqdn = serviceFqdn(svc.name, svc.namespace);
  const wild = index.wildcardDestinationRules.filter((dr) =>
    hostMatches(resolveHost(asString(dr.spec?.host) ?? '', nsOf(dr)), fqdn),
  );
  return [...(index.destinationRulesByHost.get(fqdn) ?? []), ...wild];
}

/** Workloads behind a Service's selector. */
export const workloadsOfService = (config: MeshConfig, svc: ServiceInfo): WorkloadInfo[] =>
  (indexOf(config).workloadsByNs.get(svc.namespace) ?? []).filter((w) =>
    selectorMatches(svc.selector, w.labels),
  );

/** Workloads in `namespace` (any when undefined) whose labels carry every `labels` pair (an empty map selects all). */
export const workloadsWithLabels = (
  config: MeshConfig,
  namespace: string | undefined,
  labels: Record<string, string>,
): WorkloadInfo[] =>
  (namespace === undefined ? config.workloads : (indexOf(config).workloadsByNs.get(namespace) ?? [])).filter(
    (w) => Object.entries(labels).every(([k, v]) => w.labels[k] === v),
  );

/** Sidecar injection is on for the namespace (istio-injection=enabled or a revision label). */
export function namespaceInjected(config: MeshConfig, namespace: string): boolean {
  const labels = config.namespaces.find((n) => n.name === namespace)?.labels ?? {};
  return labels['istio-injection'] === 'enabled' || labels['istio.io/rev'] !== undefined;
}

/** Shared check for `selector.matchLabels` of the security kinds: a selector that picks no workload. */
export function selectorMatchingNothing(
  o: IstioObject,
  config: MeshConfig,
  code: string,
  field: 'selector' | 'workloadSelector',
): Validation[] {
  const sel = o.spec?.[field];
  if (!isRecord(sel)) return [];
  const key = field === 'selector' ? 'matchLabels' : 'labels';
  const labels = stringMap(sel[key]);
  if (!labels || Object.keys(labels).length === 0) return [];
  if (workloadsWithLabels(config, nsOf(o), labels).length > 0) return [];
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    finding(
      code,
      'warning',
      `spec.${field}.${key}`,
      `No workload in namespace ${nsOf(o)} has the labels ${wanted}, so this ${o.kind} applies to nothing: fix the labels or remove the object.`,
    ),
  ];
}

/**
 * For kinds of which a namespace may hold only one without a selector (PeerAuthentication,
 * Sidecar): the others that clash with `o`, none when `o` has a selector itself.
 */
export function otherNamespaceWide(
  o: IstioObject,
  all: readonly IstioObject[],
  isNamespaceWide: (x: IstioObject) => boolean,
): IstioObject[] {
  if (!isNamespaceWide(o)) return [];
  return all.filter((x) => !sameObject(x, o) && nsOf(x) === nsOf(o) && isNamespaceWide(x));
}
