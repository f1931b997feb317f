/**
 * How an Istio host (a VirtualService's `hosts` entry, a destination's `host`, a DestinationRule's
 * `host`) maps to a Kubernetes Service. One rule for the graph, the forms and the validations.
 */

/** The Kubernetes cluster domain Sextant assumes unless told otherwise. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** A Kubernetes Service by name and namespace. */
export interface ServiceRef {
  name: string;
  namespace: string;
}

/** `reviews.bookinfo.svc.cluster.local` for a service. */
export const serviceFqdn = (
  name: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string => `${name}.${namespace}.svc.${clusterDomain}`;

/**
 * The fully qualified name a host written in an object of `namespace` stands for:
 * `reviews` → `reviews.<namespace>.svc.<domain>` (short names are relative to the object's
 * namespace, as Istio reads them), `reviews.bookinfo` → `reviews.bookinfo.svc.<domain>`,
 * `reviews.bookinfo.svc` → `reviews.bookinfo.svc.<domain>`. Anything else (an FQDN, an external
 * name with three or more labels, a wildcard) is taken as written.
 */
export function resolveHost(
  host: string,
  namespace: string,
  clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
): string {
  if (host === '*' || host.startsWith('*.')) return host;
  const parts = host.split('.');
  if (parts.length === 1) return `${host}.${namespace}.svc.${clusterDomain}`;
  if (parts.length === 2) return `${host}.svc.${clusterDomain}`;
  if (parts.length === 3 && parts[2] === 'svc') return `${host}.${clusterDomain}`;
  return host;
}

/** True when a resolved host pattern (`*`, `*.example.com` or a name) covers `fqdn`. */
export function hostMatches(pattern: string, fqdn: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return fqdn.endsWith(pattern.slice(1));
  return pattern === fqdn;
}

/**
 * Does `host`, written in an object of `hostNamespace`, name `service`? Short name, `name.ns`,
 * `name.ns.svc` and the FQDN all do. With `wildcards` (a VirtualService's `hosts`), `*` and
 * `*.bookinfo.svc.cluster.local` cover the services under them too; a destination's `host` may
 * not be a wildcard, so it is compared exactly.
 */
export function hostNamesService(
  host: string,
  hostNamespace: string,
  service: ServiceRef,
  options: { wildcards?: boolean; clusterDomain?: string } = {},
): boolean {
  const domain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const resolved = resolveHost(host, hostNamespace, domain);
  const fqdn = serviceFqdn(service.name, service.namespace, domain);
  if (resolved.startsWith('*')) return options.wildcards === true && hostMatches(resolved, fqdn);
  return resolved === fqdn;
}
