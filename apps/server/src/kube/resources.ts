/** The kinds the cache watches, and how to reach them on the API. */
export interface ResourceDef {
  /** Our key and the URL segment of `/api/istio/:namespace/:resource`: the plural. */
  plural: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  /** Istio kinds can be written through `/api/istio`. */
  istio: boolean;
}

const core = (plural: string, kind: string, namespaced = true): ResourceDef => ({
  plural,
  kind,
  group: '',
  version: 'v1',
  namespaced,
  istio: false,
});
const net = (plural: string, kind: string): ResourceDef => ({
  plural,
  kind,
  group: 'networking.istio.io',
  version: 'v1',
  namespaced: true,
  istio: true,
});
const sec = (plural: string, kind: string): ResourceDef => ({
  plural,
  kind,
  group: 'security.istio.io',
  version: 'v1',
  namespaced: true,
  istio: true,
});

export const RESOURCES = [
  core('namespaces', 'Namespace', false),
  core('services', 'Service'),
  core('endpoints', 'Endpoints'),
  core('pods', 'Pod'),
  { plural: 'deployments', kind: 'Deployment', group: 'apps', version: 'v1', namespaced: true, istio: false },
  { plural: 'replicasets', kind: 'ReplicaSet', group: 'apps', version: 'v1', namespaced: true, istio: false },
  net('virtualservices', 'VirtualService'),
  net('destinationrules', 'DestinationRule'),
  net('gateways', 'Gateway'),
  net('serviceentries', 'ServiceEntry'),
  net('sidecars', 'Sidecar'),
  sec('peerauthentications', 'PeerAuthentication'),
  sec('authorizationpolicies', 'AuthorizationPolicy'),
  sec('requestauthentications', 'RequestAuthentication'),
] as const satisfies readonly ResourceDef[];

/** One of the watched kinds, with its plural narrowed to a ResourceKey. */
export type Resource = (typeof RESOURCES)[number];
export type ResourceKey = Resource['plural'];

export const ISTIO_RESOURCES: Resource[] = RESOURCES.filter((r) => r.istio);

export function resourceByPlural(plural: string): Resource | undefined {
  return RESOURCES.find((r) => r.plural === plural);
}

/** The collection path, cluster-wide: `/api/v1/pods`, `/apis/networking.istio.io/v1/virtualservices`. */
export const listPath = (r: ResourceDef): string =>
  r.group === '' ? `/api/${r.version}/${r.plural}` : `/apis/${r.group}/${r.version}/${r.plural}`;
