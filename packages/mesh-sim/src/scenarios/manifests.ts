/** Reading the vendored Istio samples and applying them to the store, unmodified. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ClusterStore, GroupResource, KubeObject } from '../cluster/types';

/** The vendored samples, found from this file so the working directory does not matter. */
export const FIXTURES_DIR = fileURLToPath(new URL('../../../../fixtures/istio/', import.meta.url));

/** Kinds the scenarios apply, by apiVersion group; anything else in a sample (RBAC) is skipped. */
const RESOURCES: Record<string, GroupResource> = {
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  Service: 'services',
  Deployment: 'deployments.apps',
  CustomResourceDefinition: 'customresourcedefinitions.apiextensions.k8s.io',
  VirtualService: 'virtualservices.networking.istio.io',
  DestinationRule: 'destinationrules.networking.istio.io',
  Gateway: 'gateways.networking.istio.io',
  ServiceEntry: 'serviceentries.networking.istio.io',
  Sidecar: 'sidecars.networking.istio.io',
  WorkloadEntry: 'workloadentries.networking.istio.io',
  PeerAuthentication: 'peerauthentications.security.istio.io',
  AuthorizationPolicy: 'authorizationpolicies.security.istio.io',
  RequestAuthentication: 'requestauthentications.security.istio.io',
};

export function resourceOf(kind: string): GroupResource | undefined {
  return RESOURCES[kind];
}

/** Every object of a multi-document YAML file under fixtures/istio. */
export function readManifests(relativePath: string): KubeObject[] {
  const text = readFileSync(join(FIXTURES_DIR, relativePath), 'utf8');
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new Error(`${relativePath}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
    const value: unknown = doc.toJS();
    if (isKubeObject(value)) objects.push(value);
  }
  return objects;
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.apiVersion === 'string' &&
    typeof v.kind === 'string' &&
    typeof v.metadata === 'object' &&
    v.metadata !== null
  );
}

/**
 * Creates each object that does not exist yet, in `namespace` when the manifest names none
 * (as `kubectl apply -n` does). Kinds the simulator does not serve are skipped.
 */
export function applyManifests(store: ClusterStore, objects: KubeObject[], namespace?: string): void {
  for (const obj of objects) {
    const resource = resourceOf(obj.kind);
    if (resource === undefined) continue;
    const namespaced =
      resource !== 'namespaces' && resource !== 'customresourcedefinitions.apiextensions.k8s.io';
    const target: KubeObject =
      namespaced && obj.metadata.namespace === undefined && namespace !== undefined
        ? { ...obj, metadata: { ...obj.metadata, namespace } }
        : obj;
    if (
      store.get(resource, namespaced ? target.metadata.namespace : undefined, target.metadata.name) !==
      undefined
    )
      continue;
    store.create(resource, target);
  }
}

/** Creates the namespace, or adds the labels to the existing one. */
export function ensureNamespace(
  store: ClusterStore,
  name: string,
  labels: Record<string, string> = {},
): void {
  const existing = store.get('namespaces', undefined, name);
  if (existing === undefined) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    return;
  }
  const current = existing.metadata.labels ?? {};
  if (Object.entries(labels).every(([k, v]) => current[k] === v)) return;
  store.update('namespaces', {
    ...existing,
    metadata: { ...existing.metadata, labels: { ...current, ...labels } },
  });
}

/** Registers the Istio CRDs (unmodified) unless the API server already did. */
export function ensureIstioCrds(store: ClusterStore): void {
  // Parsing the 1 MB CRD file costs a second; skip it when the API server has them.
  if (
    store.get(
      'customresourcedefinitions.apiextensions.k8s.io',
      undefined,
      'virtualservices.networking.istio.io',
    )
  )
    return;
  applyManifests(
    store,
    readManifests('crds/crd-all.gen.yaml').filter((o) => o.kind === 'CustomResourceDefinition'),
  );
}
