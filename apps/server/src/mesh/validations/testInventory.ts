/**
 * Test support (not used at run time): builds MeshConfig snapshots from the vendored Istio samples,
 * the way the informer cache would see them after `kubectl apply -n <namespace>`.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { meshConfigFromObjects } from '../config';
import type { ObjectLists } from '../config';
import { isIstioKind, parseIstioObject } from '@sextant/shared';
import type { IstioKind, IstioKindMap, IstioResource } from '@sextant/shared';
import type { K8sObject, MeshConfig } from '../types';

export const FIXTURES = new URL('../../../../../fixtures/istio/', import.meta.url);

const isObject = (v: unknown): v is K8sObject =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { metadata?: { name?: unknown } }).metadata?.name === 'string';

/** The objects of a sample file, each placed in `namespace` unless it names its own. */
const parsed = new Map<string, unknown[]>();
export function objectsFromFixture(file: string, namespace: string): K8sObject[] {
  let docs = parsed.get(file);
  if (!docs) {
    docs = parseAllDocuments(readFileSync(new URL(file, FIXTURES), 'utf8')).map((d) => d.toJS() as unknown);
    parsed.set(file, docs);
  }
  return docs
    .filter(isObject)
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? namespace } }));
}

const ISTIO_LISTS = {
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  Gateway: 'gateways',
  ServiceEntry: 'serviceentries',
  Sidecar: 'sidecars',
  PeerAuthentication: 'peerauthentications',
  AuthorizationPolicy: 'authorizationpolicies',
  RequestAuthentication: 'requestauthentications',
} as const;
const CORE_LISTS = {
  Namespace: 'namespaces',
  Service: 'services',
  Pod: 'pods',
  Deployment: 'deployments',
} as const;

export const isIstioObject = (o: K8sObject): o is K8sObject & { kind: IstioKind } => isIstioKind(o.kind);

const ns = (name: string, labels: Record<string, string> = {}): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const ingressGateway: K8sObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
  spec: {
    selector: { matchLabels: { istio: 'ingressgateway' } },
    template: { metadata: { labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } } },
  },
};

/** A cache snapshot holding `objects` (any kinds) plus anything else given. */
export function configOf(objects: K8sObject[]): MeshConfig {
  const lists: ObjectLists = {
    namespaces: [],
    services: [],
    pods: [],
    deployments: [],
    virtualservices: [],
    destinationrules: [],
    gateways: [],
    serviceentries: [],
    sidecars: [],
    peerauthentications: [],
    authorizationpolicies: [],
    requestauthentications: [],
  };
  for (const o of objects) {
    const key =
      ISTIO_LISTS[o.kind as keyof typeof ISTIO_LISTS] ?? CORE_LISTS[o.kind as keyof typeof CORE_LISTS];
    if (key) lists[key].push(o);
  }
  return meshConfigFromObjects(lists);
}

/**
 * Bookinfo as mesh-sim's bookinfo scenario runs it: bookinfo (injected) with the platform file,
 * curl (not injected), istio-system with the ingress gateway. Istio objects come separately.
 */
export function bookinfoObjects(): K8sObject[] {
  return [
    ns('istio-system'),
    ns('bookinfo', { 'istio-injection': 'enabled' }),
    ns('curl'),
    ingressGateway,
    ...objectsFromFixture('bookinfo/platform/bookinfo.yaml', 'bookinfo'),
    ...objectsFromFixture('curl/curl.yaml', 'curl'),
  ];
}

const identity = (o: K8sObject): string => `${o.kind ?? ''}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * Applies a sample file (namespace bookinfo) on top of the bookinfo scenario (platform plus
 * destination-rule-all.yaml, as mesh-sim runs it), then validates the sample's Istio objects.
 * Each finding reads `Kind/name code severity path`, so an expectation fits on one line.
 */
export function fixtureFindings(
  file: string,
  validate: (o: IstioResource, c: MeshConfig) => { code: string; severity: string; path: string }[],
): string[] {
  const sample = objectsFromFixture(file, 'bookinfo');
  const replaced = new Set(sample.map(identity));
  const base = [
    ...bookinfoObjects(),
    ...objectsFromFixture('bookinfo/networking/destination-rule-all.yaml', 'bookinfo'),
  ];
  const config = configOf([...base.filter((o) => !replaced.has(identity(o))), ...sample]);
  return sample
    .filter(isIstioObject)
    .flatMap((o) =>
      validate(typedIstio(o.kind, o), config).map(
        (v) => `${o.kind}/${o.metadata.name} ${v.code} ${v.severity} ${v.path}`,
      ),
    );
}

const API_VERSION: Record<string, string> = {
  PeerAuthentication: 'security.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
  RequestAuthentication: 'security.istio.io/v1',
};

/** `o` typed as `kind` through the schema the cache uses; a test object that does not parse is a test bug. */
export function typedIstio<K extends IstioKind>(kind: K, o: unknown): IstioKindMap[K] {
  const parsed = parseIstioObject(kind, o);
  if (!parsed.ok) throw new Error(`test ${kind} does not parse: ${JSON.stringify(parsed.unreadable.issues)}`);
  return parsed.object;
}

/** An Istio object for a test, in namespace bookinfo unless told. */
export const istioObject = <K extends IstioKind>(
  kind: K,
  name: string,
  spec: Record<string, unknown>,
  namespace = 'bookinfo',
): IstioKindMap[K] =>
  typedIstio(kind, {
    apiVersion: API_VERSION[kind] ?? 'networking.istio.io/v1',
    kind,
    metadata: { name, namespace },
    spec,
  });

/** The bookinfo scenario (platform + destination-rule-all.yaml) plus `extra` objects. */
export const bookinfoConfig = (...extra: K8sObject[]): MeshConfig =>
  configOf([
    ...bookinfoObjects(),
    ...objectsFromFixture('bookinfo/networking/destination-rule-all.yaml', 'bookinfo'),
    ...extra,
  ]);
