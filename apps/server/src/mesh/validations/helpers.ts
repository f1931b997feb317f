import type { ConfigRef, Severity, Validation } from '@sextant/shared';
import { findService, hostMatches, resolveHost, selectorMatches, serviceFqdn } from '../hosts';
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

/** Does `host` (written in `namespace`) name a Service or a ServiceEntry host we know? Wildcards pass. */
export function hostKnown(config: MeshConfig, host: string, namespace: string): boolean {
  if (host.includes('*')) return true;
  const fqdn = resolveHost(host, namespace);
  if (config.services.some((s) => serviceFqdn(s.name, s.namespace) === fqdn)) return true;
  return config.serviceEntries.some((se) =>
    strings(se.spec?.hosts).some((h) => hostMatches(h, fqdn) || hostMatches(resolveHost(h, nsOf(se)), fqdn)),
  );
}

/** The Kubernetes Service a host names, if any. */
export function serviceOfHost(config: MeshConfig, host: string, namespace: string): ServiceInfo | undefined {
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(resolveHost(host, namespace));
  if (!m?.[1] || !m[2]) return undefined;
  return findService(config.services, m[1], m[2]);
}

/** Workloads behind a Service's selector. */
export const workloadsOfService = (config: MeshConfig, svc: ServiceInfo): WorkloadInfo[] =>
  config.workloads.filter((w) => w.namespace === svc.namespace && selectorMatches(svc.selector, w.labels));

/** Workloads in `namespace` whose labels carry every `labels` pair (an empty map selects all). */
export const workloadsWithLabels = (
  config: MeshConfig,
  namespace: string | undefined,
  labels: Record<string, string>,
): WorkloadInfo[] =>
  config.workloads.filter(
    (w) =>
      (namespace === undefined || w.namespace === namespace) &&
      Object.entries(labels).every(([k, v]) => w.labels[k] === v),
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
