import type { ServiceInfo } from './types';

const CLUSTER_SUFFIX = 'svc.cluster.local';

/**
 * Expands a host as Istio does for a rule in `namespace`: `reviews` → `reviews.<ns>.svc.cluster.local`,
 * `reviews.bookinfo` → `reviews.bookinfo.svc.cluster.local`; anything else is taken as written.
 */
export function resolveHost(host: string, namespace: string): string {
  if (host === '*' || host.startsWith('*.')) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.${CLUSTER_SUFFIX}`;
  if (parts.length === 2) return `${host}.${CLUSTER_SUFFIX}`;
  if (host.endsWith('.svc')) return `${host}.cluster.local`;
  return host;
}

export const serviceFqdn = (name: string, namespace: string): string =>
  `${name}.${namespace}.${CLUSTER_SUFFIX}`;

/** True when a (resolved) host pattern, possibly a wildcard, covers `fqdn`. */
export function hostMatches(pattern: string, fqdn: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return fqdn.endsWith(pattern.slice(1));
  return pattern === fqdn;
}

/** Kubernetes equality selector semantics; an empty selector matches nothing here (it selects no pods for a Service). */
export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels[k] === v);
}

export function findService(
  services: ServiceInfo[],
  name: string,
  namespace: string,
): ServiceInfo | undefined {
  return services.find((s) => s.name === name && s.namespace === namespace);
}
