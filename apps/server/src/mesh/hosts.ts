import type { ServiceInfo } from './types';

// One host rule for server and browser: packages/shared/src/istio/hosts.ts.
export { hostMatches, resolveHost, serviceFqdn } from '@sextant/shared';

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
